namespace Fleet.Sdk.Security.Tests;

/// <summary>Key pairs made once with pyzmq's zmq.curve_keypair() for these tests only.</summary>
internal static class TestKeys
{
    public static readonly (string Public, string Secret) Alice = ("wI5[5>LB=X*4AJvX(V(w-]wu*UUSn42e2/6u6GIz", "9wA!bKebQs(>VP-9lO&(Se[f(nCkQc-c{iaGy*R(");
    public static readonly (string Public, string Secret) Bob = ("QA(#HkJF:@uRR&<ss#!3+R{7ncLiM0POcA[L)+XJ", "oF]38x{6@MUK.kv//JQ/XheTA8Gx@JbWB[Gli3h8");
    public static readonly (string Public, string Secret) Carol = ("])tvWcczO2KWM56MVD2N^st[7!J!]0/QT.MTlTEb", "0N]g12zPD3dflI)k[3=HO?8DsLS{Q{*fwvURwEPO");

    // Published in libzmq's zmq_curve(7) manual: weak because everyone knows the secret.
    public const string ManualServerPublic = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
    public const string ManualServerSecret = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";

    public static CurveCertificate Certificate((string Public, string Secret) pair, bool withSecret = true) =>
        new(CurvePublicKey.Parse(pair.Public), withSecret ? CurveSecretKey.Parse(pair.Secret) : null);
}
