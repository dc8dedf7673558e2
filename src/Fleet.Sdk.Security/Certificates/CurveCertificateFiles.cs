namespace Fleet.Sdk.Security;

/// <summary>The files <see cref="CurveCertificate.Save"/> wrote.</summary>
/// <param name="PublicPath">The public certificate.</param>
/// <param name="SecretPath">The secret certificate, or <see langword="null"/> when only a public one was written.</param>
public sealed record CurveCertificateFiles(string PublicPath, string? SecretPath);
