using System.Security.Cryptography;
using System.Text;

namespace Testkit.Postgres.Snapshots;

/// <summary>Turns a password into the SCRAM-SHA-256 verifier PostgreSQL stores (<c>pg_authid.rolpassword</c>), as its own
/// <c>scram_build_secret</c> does: <c>ALTER ROLE … PASSWORD '&lt;verifier&gt;'</c> then sets the password without the
/// password itself ever reaching the server, its statement log or the container's output.</summary>
internal static class ScramVerifier
{
    // PostgreSQL's defaults (scram_iterations, SCRAM_DEFAULT_SALT_LEN).
    private const int Iterations = 4096;
    private const int SaltLength = 16;

    public static string Create(string password)
    {
        ArgumentNullException.ThrowIfNull(password);

        // The server runs SASLprep over the password; for anything but exotic input that is Unicode normalisation form KC
        // (ASCII is unchanged).
        var prepared = Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormKC));
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var salted = Rfc2898DeriveBytes.Pbkdf2(prepared, salt, Iterations, HashAlgorithmName.SHA256, 32);
        var storedKey = SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8));
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
