namespace Fleet.Sdk.Security;

/// <summary>How certificate files are named on disk. The contents are ZPL text in both.</summary>
public enum CurveCertificateFormat
{
    /// <summary>pyzmq's <c>zmq.auth.create_certificates</c>: <c>name.key</c> (public) and <c>name.key_secret</c>.</summary>
    Pyzmq,

    /// <summary>czmq's <c>zcert_save</c>: <c>name</c> (public) and <c>name_secret</c>.</summary>
    Czmq,
}
