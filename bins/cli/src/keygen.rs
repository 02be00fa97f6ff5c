//! `rampart keygen`: a P-256 key pair for signing verification runs.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use rampart_attest::{SigningKey, pem};

pub(crate) fn run(out: &Path) -> ExitCode {
    let (key, pkcs8) = match SigningKey::generate() {
        Ok(k) => k,
        Err(e) => {
            eprintln!("rampart keygen: {e}");
            return ExitCode::from(2);
        }
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The private key is a secret: readable by its owner only.
        options.mode(0o600);
    }
    let written = options.open(out).and_then(|mut f| f.write_all(pem::encode("PRIVATE KEY", &pkcs8).as_bytes()));
    if let Err(e) = written {
        eprintln!("rampart keygen: {}: {e}", out.display());
        return ExitCode::from(2);
    }
    let public = key.public_key();
    print!("{}", public.to_pem());
    println!("fingerprint: {}", public.fingerprint());
    eprintln!(
        "private key written to {}; register the public key with POST /api/v1/signing-keys and keep the private key in \
         your CI's secrets",
        out.display()
    );
    ExitCode::SUCCESS
}
