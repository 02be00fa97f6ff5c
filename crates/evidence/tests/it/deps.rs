//! Dependency types over manifests and lock files.

use rampart_evidence::Outcome;
use serde_json::json;

use crate::support::{assert_outcome, check, project, verifier};

#[test]
fn manifests_and_locks_in_every_ecosystem() {
    let dir = project(&[
        ("Cargo.toml", b"[dependencies]\nserde = \"1.0.150\"\nregex = { version = \"^1.5\" }\nlocal = { path = \"../x\" }\n[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n" as &[u8]),
        ("Cargo.lock", b"[[package]]\nname = \"serde\"\nversion = \"1.0.219\"\n"),
        ("package.json", br#"{"dependencies": {"express": "^4.18.2", "lodash": ">=4.17.21 <5 || 3.x", "any": "*"}, "devDependencies": {"jest": "~29.1.0"}}"#),
        ("package-lock.json", br#"{"lockfileVersion": 3, "packages": {"": {}, "node_modules/express": {"version": "4.19.2"}, "node_modules/@scope/pkg": {"version": "1.0.0"}}}"#),
        ("requirements.txt", b"# pins\nDjango==4.2.11\nrequests[socks] >= 2.31, <3 ; python_version > '3.8'\n-r other.txt\nflask\n"),
        ("pyproject.toml", b"[project]\ndependencies = [\"cryptography>=42.0.4\"]\n[tool.poetry.dependencies]\npython = \"^3.11\"\npydantic = \"^2.5\"\n"),
        ("poetry.lock", b"[[package]]\nname = \"pydantic\"\nversion = \"2.6.1\"\n"),
        ("go.mod", b"module example.com/app\n\ngo 1.22\n\nrequire (\n\tgolang.org/x/crypto v0.21.0\n\tgithub.com/x/y v1.5.1-0.20240101000000-abcdef123456 // indirect\n)\nrequire github.com/gin-gonic/gin v1.9.1\n"),
        ("pom.xml", b"<project><properties><jackson.version>2.16.1</jackson.version></properties><dependencies><dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId><version>${jackson.version}</version></dependency></dependencies></project>"),
        ("Gemfile", b"gem 'rails'\n"),
    ]);
    let v = verifier(dir.path());
    let exists = |m: &str, p: &str| check(&v, "dependency_exists", json!({"manifest": m, "package": p}));
    let version = |m: &str, p: &str, c: &str| {
        check(&v, "dependency_version", json!({"manifest": m, "package": p, "constraint": c}))
    };
    assert_outcome(&exists("Cargo.toml", "libc"), Outcome::Pass);
    assert_outcome(&exists("Cargo.toml", "tokio"), Outcome::Fail);
    assert_outcome(&version("Cargo.toml", "serde", ">=1.0.100"), Outcome::Pass);
    assert_outcome(&version("Cargo.toml", "serde", ">=1.0.200"), Outcome::Fail);
    assert_outcome(&version("Cargo.lock", "serde", ">=1.0.200"), Outcome::Pass);
    assert_outcome(&version("Cargo.toml", "local", ">=1"), Outcome::Fail);
    assert_outcome(&version("package.json", "express", ">=4.17"), Outcome::Pass);
    assert_outcome(&version("package.json", "express", ">=4.19"), Outcome::Fail);
    assert_outcome(&version("package-lock.json", "express", ">=4.19"), Outcome::Pass);
    assert_outcome(&exists("package-lock.json", "@scope/pkg"), Outcome::Pass);
    assert_outcome(&version("package.json", "lodash", ">=4.17.21"), Outcome::Fail); // 3.x admitted
    assert_outcome(&version("package.json", "any", ">=1"), Outcome::Fail);
    assert_outcome(&version("package.json", "jest", "^29.1.0 || ^30"), Outcome::Pass);
    assert_outcome(&version("requirements.txt", "django", ">=4.2.10"), Outcome::Pass);
    assert_outcome(&version("requirements.txt", "Requests", ">=2.31"), Outcome::Pass);
    assert_outcome(&version("requirements.txt", "flask", ">=2"), Outcome::Fail);
    assert_outcome(&exists("requirements.txt", "other"), Outcome::Fail);
    assert_outcome(&version("pyproject.toml", "cryptography", ">=42"), Outcome::Pass);
    assert_outcome(&version("pyproject.toml", "pydantic", ">=2.6"), Outcome::Fail);
    assert_outcome(&version("poetry.lock", "pydantic", ">=2.6"), Outcome::Pass);
    assert_outcome(&exists("pyproject.toml", "python"), Outcome::Fail);
    assert_outcome(&version("go.mod", "golang.org/x/crypto", ">=v0.17.0"), Outcome::Pass);
    assert_outcome(&version("go.mod", "github.com/x/y", ">=v1.5.0"), Outcome::Pass);
    assert_outcome(&version("go.mod", "github.com/x/y", ">=v1.5.1"), Outcome::Fail);
    assert_outcome(&version("go.mod", "github.com/gin-gonic/gin", ">=1.9.1"), Outcome::Pass);
    assert_outcome(&version("pom.xml", "jackson-databind", ">=2.15, <3"), Outcome::Pass);
    assert_outcome(&version("pom.xml", "com.fasterxml.jackson.core:jackson-databind", "[2.16.2,)"), Outcome::Fail);
    let unsupported = exists("Gemfile", "rails");
    assert_outcome(&unsupported, Outcome::Fail);
    assert!(unsupported.details.contains("unsupported manifest"));
}

#[test]
fn yarn_and_pnpm_lock_files_give_installed_versions() {
    let dir = project(&[
        ("yarn.lock", b"# yarn lockfile v1\n\nexpress@^4.18.0:\n  version \"4.19.2\"\n\n\"@types/node@^20\":\n  version \"20.11.5\"\n" as &[u8]),
        ("web/yarn.lock", b"__metadata:\n  version: 6\n\n\"lodash@npm:^4.17.0\":\n  version: 4.17.20\n"),
        ("pnpm-lock.yaml", b"lockfileVersion: '9.0'\npackages:\n  axios@1.6.7:\n    resolution: {integrity: x}\n"),
    ]);
    let v = verifier(dir.path());
    let version = |m: &str, p: &str, c: &str| {
        check(&v, "dependency_version", json!({"manifest": m, "package": p, "constraint": c}))
    };
    assert_outcome(&version("yarn.lock", "express", ">=4.19"), Outcome::Pass);
    assert_outcome(&version("yarn.lock", "@types/node", ">=21"), Outcome::Fail);
    // 4.17.20 is below the fix in 4.17.21: the lock file proves it is installed.
    assert_outcome(&version("web/yarn.lock", "lodash", ">=4.17.21"), Outcome::Fail);
    assert_outcome(&version("pnpm-lock.yaml", "axios", ">=1.6.0"), Outcome::Pass);
    assert_outcome(
        &check(&v, "dependency_exists", json!({"manifest": "pnpm-lock.yaml", "package": "left-pad"})),
        Outcome::Fail,
    );
}
