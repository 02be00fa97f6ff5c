//! `cargo xtask layers`: the layering rules of ARCHITECTURE.md (Invariants), checked over the
//! resolved dependency graph from `cargo metadata`.
//!
//! Two rules:
//! - a crate in a layer with a forbidden list (above all the domain) must not
//!   reach a forbidden crate through normal dependencies, even transitively;
//! - an arrow between project crates may only point down the layer table
//!   (or sideways where the table allows it, as among domain crates).
//!
//! Every workspace member must be in [`LAYER_TABLE`]; an unknown crate is an
//! error, so a new crate cannot slip past the check.
//!
//! Note: the `resolve` graph of `cargo metadata` unifies features across the
//! whole workspace. If an adapter switches on a feature of a shared dependency
//! that pulls in, say, tokio, a domain crate depending on that shared crate is
//! reported too. That is deliberate: it is what a workspace build compiles.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::path::Path;

use anyhow::{Context as _, bail};
use serde_json::Value;

/// The layers, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Layer {
    Domain,
    Engine,
    Adapter,
    Application,
    Surface,
    Binary,
    /// Project automation (xtask): may depend on anything; nothing may depend on it.
    Tooling,
}

impl Layer {
    fn name(self) -> &'static str {
        match self {
            Layer::Domain => "domain",
            Layer::Engine => "engines",
            Layer::Adapter => "adapters",
            Layer::Application => "application",
            Layer::Surface => "surfaces",
            Layer::Binary => "binaries",
            Layer::Tooling => "tooling",
        }
    }

    /// Whether a crate in `self` may depend on a crate in `to`.
    fn may_depend_on(self, to: Layer) -> bool {
        use Layer::*;
        match self {
            // Domain crates may depend on each other (cargo forbids cycles).
            Domain => to == Domain,
            // Engines and adapters: domain only, not each other.
            Engine | Adapter => to == Domain,
            Application => matches!(to, Domain | Engine | Adapter),
            // Surfaces: application and below, not each other.
            Surface => matches!(to, Domain | Engine | Adapter | Application),
            // Binaries: anything below, not each other.
            Binary => matches!(to, Domain | Engine | Adapter | Application | Surface),
            Tooling => true,
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// THE layer table (package names). Keep in step with ARCHITECTURE.md.
pub(crate) const LAYER_TABLE: &[(&str, Layer)] = &[
    ("rampart-risk", Layer::Domain),
    ("rampart-model", Layer::Domain),
    ("rampart-reach", Layer::Domain),
    ("rampart-assurance", Layer::Domain),
    ("rampart-compliance", Layer::Domain),
    ("rampart-catalog", Layer::Domain),
    ("rampart-evidence", Layer::Engine),
    ("rampart-store", Layer::Adapter),
    ("rampart-llm", Layer::Adapter),
    ("rampart-attest", Layer::Adapter),
    ("rampart-report", Layer::Adapter),
    ("rampart-app", Layer::Application),
    ("rampart-http", Layer::Surface),
    ("rampart-tools", Layer::Surface),
    ("rampart-api", Layer::Binary),
    ("rampart-mcp", Layer::Binary),
    ("rampart-worker", Layer::Binary),
    ("rampart", Layer::Binary),
    ("xtask", Layer::Tooling),
];

/// Crates the domain must never reach: runtimes, I/O, network, databases,
/// crypto, LLM clients.
const DOMAIN_FORBIDDEN: &[&str] = &[
    "tokio",
    "diesel",
    "diesel_migrations",
    "axum",
    "hyper",
    "reqwest",
    "async-openai",
    "rmcp",
    "ring",
    "jsonwebtoken",
    "tower",
    "tower-http",
    "sqlx",
    "openssl",
    "libsqlite3-sys",
    "pq-sys",
];

/// Engines verify over a source tree: no network, no database (ARCHITECTURE.md).
const ENGINE_FORBIDDEN: &[&str] = &[
    "diesel",
    "diesel_migrations",
    "sqlx",
    "libsqlite3-sys",
    "pq-sys",
    "hyper",
    "reqwest",
    "axum",
    "tower-http",
    "async-openai",
    "rmcp",
];

/// The application layer knows no HTTP or MCP framework (ARCHITECTURE.md).
const APPLICATION_FORBIDDEN: &[&str] = &["axum", "rmcp"];

/// Adapters that surfaces and binaries reach only through the application's
/// use cases (`rampart-app` is the one way in), by no kind of dependency.
const BEHIND_THE_APPLICATION: &[&str] = &["rampart-store"];

/// Crates each layer must not reach through normal dependencies.
fn forbidden(layer: Layer) -> &'static [&'static str] {
    match layer {
        Layer::Domain => DOMAIN_FORBIDDEN,
        Layer::Engine => ENGINE_FORBIDDEN,
        Layer::Application => APPLICATION_FORBIDDEN,
        Layer::Adapter | Layer::Surface | Layer::Binary | Layer::Tooling => &[],
    }
}

fn layer_of(name: &str) -> Option<Layer> {
    LAYER_TABLE.iter().find(|(n, _)| *n == name).map(|&(_, layer)| layer)
}

fn is_project_name(name: &str) -> bool {
    name == "rampart" || name.starts_with("rampart-")
}

/// The kinds of one dependency edge (an edge can be several at once).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Kinds {
    pub(crate) normal: bool,
    pub(crate) dev: bool,
    pub(crate) build: bool,
}

impl fmt::Display for Kinds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = [(self.normal, "normal"), (self.build, "build"), (self.dev, "dev")]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect();
        f.write_str(&names.join("+"))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Edge {
    /// Package id of the dependency.
    pub(crate) to: String,
    pub(crate) kinds: Kinds,
}

#[derive(Debug, Clone)]
pub(crate) struct Package {
    pub(crate) name: String,
    /// A workspace member, or another local (path) package.
    pub(crate) project: bool,
    pub(crate) deps: Vec<Edge>,
}

/// The resolved dependency graph, keyed by package id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Graph {
    pub(crate) packages: BTreeMap<String, Package>,
}

impl Graph {
    fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.packages.get(id).map_or(id, |p| p.name.as_str())
    }
}

/// A broken rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Violation {
    /// A project crate that is not in the layer table.
    Unknown { name: String },
    /// A crate reaches a crate its layer forbids; `path` runs from the crate to it.
    Forbidden { layer: Layer, path: Vec<String> },
    /// An arrow pointing up or sideways against the table.
    Arrow { from: String, from_layer: Layer, to: String, to_layer: Layer, kinds: String },
    /// A surface or binary depends on an adapter it must reach through the application.
    Bypass { from: String, to: String, kinds: String },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::Unknown { name } => {
                write!(f, "unknown crate `{name}`: add it to the layer table in xtask/src/layers.rs")
            }
            Violation::Forbidden { layer, path } => write!(
                f,
                "{layer} crate `{}` depends on forbidden crate `{}`: {}",
                path.first().map_or("?", String::as_str),
                path.last().map_or("?", String::as_str),
                path.join(" -> ")
            ),
            Violation::Arrow { from, from_layer, to, to_layer, kinds } => write!(
                f,
                "`{from}` ({from_layer}) must not depend on `{to}` ({to_layer}) [{kinds} dependency]: \
                 arrows may only point down the layer table"
            ),
            Violation::Bypass { from, to, kinds } => write!(
                f,
                "`{from}` must not depend on `{to}` [{kinds} dependency]: surfaces and binaries reach it only \
                 through rampart-app's use cases (its `test-support` feature has the test helpers)"
            ),
        }
    }
}

/// Checks both layering rules over `graph`; returns the violations, sorted.
pub(crate) fn check(graph: &Graph) -> Vec<Violation> {
    let mut violations = BTreeSet::new();
    for (id, package) in &graph.packages {
        if !package.project {
            continue;
        }
        let Some(layer) = layer_of(&package.name) else {
            violations.insert(Violation::Unknown { name: package.name.clone() });
            continue;
        };

        // Rule (b): arrows among project crates, of every dependency kind.
        for edge in &package.deps {
            let Some(dep) = graph.packages.get(&edge.to) else { continue };
            if !dep.project {
                continue;
            }
            if matches!(layer, Layer::Surface | Layer::Binary) && BEHIND_THE_APPLICATION.contains(&dep.name.as_str()) {
                violations.insert(Violation::Bypass {
                    from: package.name.clone(),
                    to: dep.name.clone(),
                    kinds: edge.kinds.to_string(),
                });
            }
            // An unknown dependency is reported as unknown on its own.
            if let Some(to_layer) = layer_of(&dep.name)
                && !layer.may_depend_on(to_layer)
            {
                violations.insert(Violation::Arrow {
                    from: package.name.clone(),
                    from_layer: layer,
                    to: dep.name.clone(),
                    to_layer,
                    kinds: edge.kinds.to_string(),
                });
            }
        }

        // Rule (a): forbidden crates, through normal dependencies only.
        let banned = forbidden(layer);
        if !banned.is_empty() {
            for path in forbidden_paths(graph, id, banned) {
                violations.insert(Violation::Forbidden { layer, path });
            }
        }
    }
    violations.into_iter().collect()
}

/// Shortest normal-dependency paths (as names) from `start` to every
/// forbidden crate it reaches.
fn forbidden_paths(graph: &Graph, start: &str, banned: &[&str]) -> Vec<Vec<String>> {
    let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    let mut seen = BTreeSet::from([start]);
    let mut hits = Vec::new();
    while let Some(id) = queue.pop_front() {
        if id != start && banned.contains(&graph.name(id)) {
            hits.push(id);
        }
        let Some(package) = graph.packages.get(id) else { continue };
        for edge in package.deps.iter().filter(|e| e.kinds.normal) {
            if seen.insert(edge.to.as_str()) {
                parent.insert(edge.to.as_str(), id);
                queue.push_back(edge.to.as_str());
            }
        }
    }
    hits.into_iter()
        .map(|hit| {
            let mut path = vec![graph.name(hit).to_owned()];
            let mut at = hit;
            while let Some(&up) = parent.get(at) {
                path.push(graph.name(up).to_owned());
                at = up;
            }
            path.reverse();
            path
        })
        .collect()
}

/// Builds the graph from `cargo metadata --format-version 1` output.
pub(crate) fn graph_from_metadata(metadata: &Value) -> anyhow::Result<Graph> {
    let members: BTreeSet<&str> = metadata["workspace_members"]
        .as_array()
        .context("cargo metadata: no `workspace_members`")?
        .iter()
        .filter_map(Value::as_str)
        .collect();

    let mut names = BTreeMap::new();
    for package in metadata["packages"].as_array().context("cargo metadata: no `packages`")? {
        let id = package["id"].as_str().context("cargo metadata: package without `id`")?;
        let name = package["name"].as_str().context("cargo metadata: package without `name`")?;
        // `source` is null for path packages.
        let local = package["source"].is_null();
        names.insert(id, (name, local));
    }

    let mut graph = Graph::default();
    let nodes =
        metadata["resolve"]["nodes"].as_array().context("cargo metadata: no `resolve.nodes` (was --no-deps used?)")?;
    for node in nodes {
        let id = node["id"].as_str().context("cargo metadata: resolve node without `id`")?;
        let &(name, local) = names.get(id).with_context(|| format!("cargo metadata: unknown package id {id}"))?;
        let mut deps = Vec::new();
        for dep in node["deps"].as_array().context("cargo metadata: resolve node without `deps`")? {
            let to = dep["pkg"].as_str().context("cargo metadata: dependency without `pkg`")?;
            let dep_kinds = dep["dep_kinds"]
                .as_array()
                .context("cargo metadata: dependency without `dep_kinds` (cargo too old?)")?;
            let mut kinds = Kinds::default();
            for kind in dep_kinds {
                match kind["kind"].as_str() {
                    None => kinds.normal = true,
                    Some("dev") => kinds.dev = true,
                    Some("build") => kinds.build = true,
                    Some(other) => bail!("cargo metadata: unknown dependency kind `{other}`"),
                }
            }
            deps.push(Edge { to: to.to_owned(), kinds });
        }
        let project = members.contains(id) || (local && is_project_name(name));
        graph.packages.insert(id.to_owned(), Package { name: name.to_owned(), project, deps });
    }
    Ok(graph)
}

pub(crate) fn run(root: &Path) -> anyhow::Result<()> {
    let output = crate::cargo()
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(root)
        .output()
        .context("running `cargo metadata`")?;
    if !output.status.success() {
        bail!(
            "`cargo metadata --format-version 1 --locked` failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: Value = serde_json::from_slice(&output.stdout).context("parsing `cargo metadata` output")?;
    let graph = graph_from_metadata(&metadata)?;

    let violations = check(&graph);
    let crates: Vec<&Package> = graph.packages.values().filter(|p| p.project).collect();
    if violations.is_empty() {
        println!("layers: {} project crates, no violations", crates.len());
        for package in crates {
            if let Some(layer) = layer_of(&package.name) {
                println!("  {layer:<12} {}", package.name);
            }
        }
        return Ok(());
    }
    for violation in &violations {
        eprintln!("  {violation}");
    }
    bail!("{} layering violation(s); see ARCHITECTURE.md and xtask/src/layers.rs", violations.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NORMAL: Kinds = Kinds { normal: true, dev: false, build: false };
    const DEV: Kinds = Kinds { normal: false, dev: true, build: false };
    const BUILD: Kinds = Kinds { normal: false, dev: false, build: true };

    /// A graph whose ids are the names; `rampart*` and `xtask` are project crates.
    fn graph(edges: &[(&str, &str, Kinds)]) -> Graph {
        let mut graph = Graph::default();
        let mut add = |name: &str| {
            graph.packages.entry(name.to_owned()).or_insert_with(|| Package {
                name: name.to_owned(),
                project: is_project_name(name) || name == "xtask",
                deps: Vec::new(),
            });
        };
        for (from, to, _) in edges {
            add(from);
            add(to);
        }
        for (from, to, kinds) in edges {
            if let Some(package) = graph.packages.get_mut(*from) {
                package.deps.push(Edge { to: (*to).to_owned(), kinds: *kinds });
            }
        }
        graph
    }

    /// A graph that follows every rule.
    fn clean_edges() -> Vec<(&'static str, &'static str, Kinds)> {
        vec![
            ("rampart-model", "rampart-risk", NORMAL),
            ("rampart-model", "serde", NORMAL),
            ("rampart-model", "tokio", DEV),
            ("rampart-risk", "build-helper", BUILD),
            ("build-helper", "tokio", NORMAL),
            ("rampart-evidence", "rampart-model", NORMAL),
            ("rampart-store", "rampart-model", NORMAL),
            ("rampart-store", "diesel", NORMAL),
            ("rampart-llm", "async-openai", NORMAL),
            ("async-openai", "reqwest", NORMAL),
            ("rampart-app", "rampart-store", NORMAL),
            ("rampart-app", "rampart-llm", NORMAL),
            ("rampart-app", "rampart-evidence", NORMAL),
            ("rampart-http", "rampart-app", NORMAL),
            ("rampart-http", "axum", NORMAL),
            ("rampart-tools", "rampart-app", NORMAL),
            ("rampart-api", "rampart-http", NORMAL),
            ("rampart-api", "rampart-tools", NORMAL),
            ("rampart", "rampart-app", NORMAL),
            ("xtask", "rampart-model", NORMAL),
        ]
    }

    #[test]
    fn surfaces_and_binaries_reach_the_store_only_through_the_application() {
        for (from, kinds) in [("rampart-http", NORMAL), ("rampart-api", DEV), ("rampart", DEV)] {
            let mut edges = clean_edges();
            edges.push((from, "rampart-store", kinds));
            assert_eq!(
                check(&graph(&edges)),
                vec![Violation::Bypass { from: from.into(), to: "rampart-store".into(), kinds: kinds.to_string() }],
                "{from}"
            );
        }
    }

    #[test]
    fn a_clean_graph_passes() {
        // Dev- and build-only paths to tokio do not count for the domain.
        assert_eq!(check(&graph(&clean_edges())), Vec::new());
    }

    #[test]
    fn detects_a_forbidden_dependency_and_an_upward_arrow() {
        let mut edges = clean_edges();
        // rampart-model -> foo -> tokio: forbidden, transitively.
        edges.push(("rampart-model", "foo", NORMAL));
        edges.push(("foo", "tokio", NORMAL));
        // rampart-risk -> rampart-store: domain pointing up at an adapter.
        edges.push(("rampart-risk", "rampart-store", NORMAL));

        let violations = check(&graph(&edges));
        assert!(
            violations.contains(&Violation::Forbidden {
                layer: Layer::Domain,
                path: vec!["rampart-model".into(), "foo".into(), "tokio".into()],
            }),
            "{violations:#?}"
        );
        assert!(
            violations.contains(&Violation::Arrow {
                from: "rampart-risk".into(),
                from_layer: Layer::Domain,
                to: "rampart-store".into(),
                to_layer: Layer::Adapter,
                kinds: "normal".into(),
            }),
            "{violations:#?}"
        );
        // Through the upward arrow the domain now also reaches diesel.
        assert!(violations.iter().any(|v| matches!(
            v,
            Violation::Forbidden { path, .. } if path.join(" -> ") == "rampart-risk -> rampart-store -> diesel"
        )));
        let shown = violations.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
        assert!(shown.contains("rampart-model -> foo -> tokio"), "{shown}");
    }

    #[test]
    fn detects_sideways_arrows_and_dev_dependencies_pointing_up() {
        let mut edges = clean_edges();
        edges.push(("rampart-store", "rampart-llm", NORMAL));
        edges.push(("rampart-http", "rampart-tools", NORMAL));
        edges.push(("rampart-mcp", "rampart-api", NORMAL));
        edges.push(("rampart-model", "rampart-app", DEV));
        edges.push(("rampart-app", "xtask", NORMAL));
        let arrows: Vec<(String, String)> = check(&graph(&edges))
            .into_iter()
            .filter_map(|v| match v {
                Violation::Arrow { from, to, .. } => Some((from, to)),
                _ => None,
            })
            .collect();
        for (from, to) in [
            ("rampart-store", "rampart-llm"),
            ("rampart-http", "rampart-tools"),
            ("rampart-mcp", "rampart-api"),
            ("rampart-model", "rampart-app"),
            ("rampart-app", "xtask"),
        ] {
            assert!(arrows.contains(&(from.to_owned(), to.to_owned())), "{from} -> {to} not detected: {arrows:?}");
        }
    }

    #[test]
    fn application_must_not_reach_http_frameworks() {
        let mut edges = clean_edges();
        edges.push(("rampart-app", "axum", NORMAL));
        assert!(check(&graph(&edges)).iter().any(|v| matches!(
            v,
            Violation::Forbidden { layer: Layer::Application, path } if path.last().map(String::as_str) == Some("axum")
        )));
    }

    #[test]
    fn unknown_project_crates_are_errors() {
        let mut edges = clean_edges();
        edges.push(("rampart-frobnicator", "rampart-model", NORMAL));
        let violations = check(&graph(&edges));
        assert_eq!(violations, vec![Violation::Unknown { name: "rampart-frobnicator".into() }]);
        assert!(violations[0].to_string().contains("add it to the layer table in xtask/src/layers.rs"));
    }

    #[test]
    fn parses_cargo_metadata() {
        let metadata = serde_json::json!({
            "workspace_members": ["path+file:///w/crates/model#rampart-model@0.1.0"],
            "packages": [
                { "id": "path+file:///w/crates/model#rampart-model@0.1.0", "name": "rampart-model", "source": null },
                { "id": "registry+x#tokio@1.0.0", "name": "tokio", "source": "registry+x" },
                { "id": "registry+x#insta@1.0.0", "name": "insta", "source": "registry+x" }
            ],
            "resolve": { "nodes": [
                { "id": "path+file:///w/crates/model#rampart-model@0.1.0", "deps": [
                    { "name": "tokio", "pkg": "registry+x#tokio@1.0.0",
                      "dep_kinds": [{ "kind": null, "target": null }, { "kind": "dev", "target": null }] },
                    { "name": "insta", "pkg": "registry+x#insta@1.0.0",
                      "dep_kinds": [{ "kind": "dev", "target": null }] }
                ] },
                { "id": "registry+x#tokio@1.0.0", "deps": [] },
                { "id": "registry+x#insta@1.0.0", "deps": [] }
            ] }
        });
        let graph = graph_from_metadata(&metadata).unwrap();
        let model = &graph.packages["path+file:///w/crates/model#rampart-model@0.1.0"];
        assert!(model.project);
        assert_eq!(model.deps[0].kinds, Kinds { normal: true, dev: true, build: false });
        assert_eq!(model.deps[1].kinds, DEV);
        assert_eq!(
            check(&graph),
            vec![Violation::Forbidden { layer: Layer::Domain, path: vec!["rampart-model".into(), "tokio".into()] }]
        );
    }
}
