//! The lock files of yarn (v1's own format and Berry's YAML) and pnpm: the
//! installed version of every package, as `(name, version)` pairs.

/// The package name in a lock key such as `lodash@^4.17.0`,
/// `@babel/core@npm:^7.0.0` or `/@scope/pkg@1.2.3(peer@2)`.
fn name_of(key: &str) -> Option<&str> {
    let key = key.trim().trim_matches('"').trim_start_matches('/');
    // A scoped name's own `@` is not the separator.
    let at = key.get(1..)?.find('@')? + 1;
    let name = &key[..at];
    (!name.is_empty()).then_some(name)
}

/// yarn v1: blocks headed by `"a@^1", a@~1.2:` with an indented `version "1.2.3"`.
fn yarn_v1(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            names = line.trim_end_matches(':').split(", ").filter_map(name_of).map(str::to_owned).collect();
            names.dedup();
        } else if let Some(version) = line.trim().strip_prefix("version ") {
            let version = version.trim().trim_matches('"');
            out.extend(names.iter().map(|n| (n.clone(), version.to_owned())));
        }
    }
    out
}

/// yarn Berry: YAML whose keys are descriptors and whose entries carry `version`.
fn yarn_berry(doc: &serde_norway::Value) -> Vec<(String, String)> {
    let Some(map) = doc.as_mapping() else { return Vec::new() };
    let mut out = Vec::new();
    for (key, entry) in map {
        let (Some(key), Some(version)) = (key.as_str(), entry.get("version").and_then(|v| v.as_str())) else {
            continue;
        };
        if key == "__metadata" {
            continue;
        }
        for descriptor in key.split(", ") {
            if let Some(name) = name_of(descriptor) {
                out.push((name.to_owned(), version.to_owned()));
            }
        }
    }
    out.dedup();
    out
}

/// `yarn.lock`, either generation.
pub(crate) fn yarn_lock(text: &str) -> Result<Vec<(String, String)>, String> {
    if text.contains("__metadata:") {
        let doc: serde_norway::Value = serde_norway::from_str(text).map_err(|e| format!("yarn.lock: {e}"))?;
        Ok(yarn_berry(&doc))
    } else {
        Ok(yarn_v1(text))
    }
}

/// `pnpm-lock.yaml`: keys of `packages` are `/name@version` (v5–v6) or
/// `name@version` (v9), with an optional `(peer@x)` suffix.
pub(crate) fn pnpm_lock(text: &str) -> Result<Vec<(String, String)>, String> {
    let doc: serde_norway::Value = serde_norway::from_str(text).map_err(|e| format!("pnpm-lock.yaml: {e}"))?;
    let Some(packages) = doc.get("packages").and_then(|p| p.as_mapping()) else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for key in packages.keys().filter_map(|k| k.as_str()) {
        let key = key.split('(').next().unwrap_or(key);
        let Some(name) = name_of(key) else { continue };
        let rest = key.trim_start_matches('/')[name.len()..].trim_start_matches('@');
        // v5 wrote `/name/1.2.3`; v6+ `/name@1.2.3`.
        let version = if rest.is_empty() { key.rsplit('/').next().unwrap_or_default() } else { rest };
        if !version.is_empty() {
            out.push((name.to_owned(), version.to_owned()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_yarn_v1_berry_and_pnpm() {
        let v1 = "# yarn lockfile v1\n\n\"@babel/core@^7.0.0\", \"@babel/core@^7.1.0\":\n  version \"7.24.0\"\n  resolved \"x\"\n\nlodash@^4.17.0:\n  version \"4.17.21\"\n";
        assert_eq!(
            yarn_lock(v1).unwrap(),
            vec![("@babel/core".into(), "7.24.0".into()), ("lodash".into(), "4.17.21".into())]
        );
        let berry = "__metadata:\n  version: 6\n\n\"lodash@npm:^4.17.0\":\n  version: 4.17.21\n  resolution: \"lodash@npm:4.17.21\"\n";
        assert_eq!(yarn_lock(berry).unwrap(), vec![("lodash".into(), "4.17.21".into())]);
        let pnpm = "lockfileVersion: '9.0'\npackages:\n  lodash@4.17.21:\n    resolution: {integrity: x}\n  '@types/node@20.1.0':\n    resolution: {integrity: y}\n  /react-dom@18.2.0(react@18.2.0):\n    resolution: {integrity: z}\n";
        let mut got = pnpm_lock(pnpm).unwrap();
        got.sort();
        assert_eq!(
            got,
            vec![
                ("@types/node".into(), "20.1.0".into()),
                ("lodash".into(), "4.17.21".into()),
                ("react-dom".into(), "18.2.0".into())
            ]
        );
        assert!(pnpm_lock("packages: [").is_err());
    }
}
