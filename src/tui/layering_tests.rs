//! The modules of the app depend on each other in one direction only: the test reads every
//! file under `src/tui`, collects which module each one names (`super::x`, `crate::tui::x`,
//! `self::x`), and fails naming the circle when there is one.
//!
//! A file is a module (`mod.rs` is its folder's module). A module naming its own children is
//! not counted (it declares them), nor is anything in a `#[cfg(test)]` module: tests may use
//! any module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A module's path below `tui`: `[]` is `tui` itself, `["view", "article"]` is `view::article`.
type Module = Vec<String>;

fn name(module: &Module) -> String {
    if module.is_empty() {
        "tui".to_string()
    } else {
        module.join("::")
    }
}

/// The module a file under `src/tui` is, from its path there (`view/article.rs`).
fn module_of(relative: &str) -> Module {
    let without = relative.strip_suffix(".rs").unwrap_or(relative);
    let mut parts: Module = without.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The source with comments, string and character literals blanked (their length kept), so
/// that braces and paths are only the code's own.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            loop {
                if i >= chars.len() {
                    break;
                }
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(if chars[i] == '\n' { '\n' } else { ' ' });
                    i += 1;
                }
            }
        } else if c == 'r'
            && (at(i + 1) == '"' || at(i + 1) == '#')
            && !ident_char(before(&chars, i))
        {
            // A raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            if at(j) != '"' {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|h| at(j + 1 + h) == '#') {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.extend(std::iter::repeat_n(' ', j - i));
            i = j;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                out.push(if at(i) == '\n' { '\n' } else { ' ' });
                i += 1;
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && (at(i + 1) == '\\' || at(i + 2) == '\'') {
            // A character literal ('x', '\n', '\u{..}'); a lifetime has no closing quote.
            let mut j = i + 1;
            if at(j) == '\\' {
                j += 2;
            } else {
                j += 1;
            }
            while j < chars.len() && chars[j] != '\'' {
                j += 1;
            }
            out.extend(std::iter::repeat_n(' ', j + 1 - i));
            i = j + 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn before(chars: &[char], i: usize) -> char {
    i.checked_sub(1).map_or(' ', |j| chars[j])
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The code without its `#[cfg(test)]` modules, and the names of those declared in files of
/// their own (`#[cfg(test)] mod tests;`).
fn without_test_modules(code: &str) -> (String, Vec<String>) {
    let mut kept = String::new();
    let mut test_files = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        kept.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let item = after.trim_start();
        let Some(declared) = item.strip_prefix("mod ") else {
            // Some other item for tests only: kept, it is not a module.
            kept.push_str("#[cfg(test)]");
            rest = after;
            continue;
        };
        let name: String = declared
            .trim_start()
            .chars()
            .take_while(|c| ident_char(*c))
            .collect();
        let tail = declared.trim_start()[name.len()..].trim_start();
        if let Some(tail) = tail.strip_prefix(';') {
            test_files.push(name);
            rest = tail;
            continue;
        }
        let Some(body) = tail.strip_prefix('{') else {
            rest = tail;
            continue;
        };
        let mut depth = 1;
        let mut end = body.len();
        for (i, c) in body.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                end = i + 1;
                break;
            }
        }
        rest = &body[end..];
    }
    kept.push_str(rest);
    (kept, test_files)
}

/// The paths a `use` tree (or a path in an expression) starting at `text` names: `a::b`,
/// `{a, b::{c, d}}`, each as its segments. Ends at the first character no path has.
fn paths(text: &str) -> Vec<Vec<String>> {
    fn tree(chars: &[char], i: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
        let mut path = prefix.to_vec();
        loop {
            while chars.get(*i).is_some_and(|c| c.is_whitespace()) {
                *i += 1;
            }
            match chars.get(*i) {
                Some('{') => {
                    *i += 1;
                    loop {
                        tree(chars, i, &path, out);
                        while chars.get(*i).is_some_and(|c| c.is_whitespace()) {
                            *i += 1;
                        }
                        match chars.get(*i) {
                            Some(',') => *i += 1,
                            Some('}') => {
                                *i += 1;
                                return;
                            }
                            _ => return,
                        }
                        while chars.get(*i).is_some_and(|c| c.is_whitespace()) {
                            *i += 1;
                        }
                        if chars.get(*i) == Some(&'}') {
                            *i += 1;
                            return;
                        }
                    }
                }
                Some(c) if ident_char(*c) => {
                    let start = *i;
                    while chars.get(*i).is_some_and(|c| ident_char(*c)) {
                        *i += 1;
                    }
                    path.push(chars[start..*i].iter().collect());
                    if chars.get(*i) == Some(&':') && chars.get(*i + 1) == Some(&':') {
                        *i += 2;
                        continue;
                    }
                    out.push(path);
                    return;
                }
                Some('*') => {
                    *i += 1;
                    out.push(path);
                    return;
                }
                _ => {
                    out.push(path);
                    return;
                }
            }
        }
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    tree(&chars, &mut 0, &[], &mut out);
    out
}

/// The modules `code` (of module `module`) names, resolved to the longest known module.
fn references(module: &Module, code: &str, known: &BTreeSet<Module>) -> BTreeSet<Module> {
    // `super` of a file module is its parent; `self` is itself.
    let own = module.clone();
    let parent = |m: &Module| -> Module { m[..m.len().saturating_sub(1)].to_vec() };
    let mut found = BTreeSet::new();
    let resolve = |base: Module, segments: &[String], found: &mut BTreeSet<Module>| {
        let mut best = base.clone();
        let mut candidate = base;
        for s in segments {
            candidate.push(s.clone());
            if known.contains(&candidate) {
                best = candidate.clone();
            } else {
                break;
            }
        }
        found.insert(best);
    };
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        if !code.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let starts_word = i == 0 || !ident_char(bytes[i - 1] as char) && bytes[i - 1] != b':';
        if !starts_word {
            i += 1;
            continue;
        }
        let text = &code[i..];
        let (base, after) = if let Some(after) = text.strip_prefix("crate::tui::") {
            (Vec::new(), after)
        } else if let Some(mut after) = text.strip_prefix("super::") {
            let mut base = parent(&own);
            while let Some(more) = after.strip_prefix("super::") {
                base = parent(&base);
                after = more;
            }
            (base, after)
        } else if let Some(after) = text.strip_prefix("self::") {
            (own.clone(), after)
        } else {
            i += 1;
            continue;
        };
        for path in paths(after) {
            resolve(base.clone(), &path, &mut found);
        }
        i += text.len() - after.len();
    }
    found
}

/// Every module under `src/tui` and the modules each one names, from `(path, source)` pairs
/// with paths relative to `src/tui`.
fn graph(files: &[(String, String)]) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut known = BTreeSet::new();
    let mut test_only: BTreeSet<Module> = BTreeSet::new();
    let mut code = Vec::new();
    for (path, source) in files {
        let module = module_of(path);
        let (kept, test_files) = without_test_modules(&code_only(source));
        for t in test_files {
            let mut child = module.clone();
            child.push(t);
            test_only.insert(child);
        }
        known.insert(module.clone());
        code.push((module, kept));
    }
    let mut graph = BTreeMap::new();
    for (module, kept) in code {
        if test_only.iter().any(|t| module.starts_with(t)) {
            continue;
        }
        let named = references(&module, &kept, &known)
            .into_iter()
            .filter(|target| !target.starts_with(&module))
            .collect();
        graph.insert(module, named);
    }
    graph
}

/// A circle in the graph, as the modules along it (the first again at the end).
fn circle(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        m: &Module,
        graph: &BTreeMap<Module, BTreeSet<Module>>,
        marks: &mut BTreeMap<Module, Mark>,
        stack: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        marks.insert(m.clone(), Mark::Open);
        stack.push(m.clone());
        for next in graph.get(m).into_iter().flatten() {
            match marks.get(next).copied().unwrap_or(Mark::New) {
                Mark::Open => {
                    let from = stack.iter().position(|s| s == next).unwrap_or(0);
                    let mut found = stack[from..].to_vec();
                    found.push(next.clone());
                    return Some(found);
                }
                Mark::New => {
                    if let Some(found) = visit(next, graph, marks, stack) {
                        return Some(found);
                    }
                }
                Mark::Done => {}
            }
        }
        stack.pop();
        marks.insert(m.clone(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for m in graph.keys() {
        if marks.get(m).copied().unwrap_or(Mark::New) == Mark::New
            && let Some(found) = visit(m, graph, &mut marks, &mut Vec::new())
        {
            return Some(found);
        }
    }
    None
}

/// Every module that can reach itself.
fn in_circles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<String> {
    let reaches_itself = |m: &Module| {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&Module> = graph.get(m).into_iter().flatten().collect();
        while let Some(next) = todo.pop() {
            if next == m {
                return true;
            }
            if seen.insert(next) {
                todo.extend(graph.get(next).into_iter().flatten());
            }
        }
        false
    };
    graph
        .keys()
        .filter(|m| reaches_itself(m))
        .map(name)
        .collect()
}

fn read_tree(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a readable folder entry").path();
        if path.is_dir() {
            read_tree(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path
                .strip_prefix(root)
                .expect("under the root")
                .to_string_lossy()
                .replace('\\', "/");
            let source = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.push((relative, source));
        }
    }
}

fn described(found: &[Module]) -> String {
    found.iter().map(name).collect::<Vec<_>>().join(" -> ")
}

fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(p, s)| (p.to_string(), s.to_string()))
        .collect()
}

fn edges(graph: &BTreeMap<Module, BTreeSet<Module>>, from: &str) -> Vec<String> {
    graph
        .get(&module_of(from))
        .into_iter()
        .flatten()
        .map(name)
        .collect()
}

#[test]
fn paths_are_read_from_use_trees() {
    assert_eq!(
        paths("{a, b::{c, d::*}, e::f};"),
        vec![
            vec!["a".to_string()],
            vec!["b".to_string(), "c".to_string()],
            vec!["b".to_string(), "d".to_string()],
            vec!["e".to_string(), "f".to_string()],
        ]
    );
    assert_eq!(
        paths("state::Row::Headline(_)"),
        vec![vec![
            "state".to_string(),
            "Row".to_string(),
            "Headline".to_string()
        ]]
    );
}

#[test]
fn a_circle_is_found_and_named() {
    let graph = graph(&files(&[
        (
            "mod.rs",
            "pub mod a; pub mod b; pub mod view; pub use a::Thing;",
        ),
        (
            "a.rs",
            "use super::b::Other;\n// super::view in a comment\n",
        ),
        (
            "b.rs",
            "fn f() { let s = \"super::a\"; super::view::part::draw(); }",
        ),
        ("view/mod.rs", "mod part; use part::x;"),
        ("view/part.rs", "use crate::tui::{a::Thing, b};"),
    ]));
    assert_eq!(edges(&graph, "a.rs"), vec!["b"]);
    assert_eq!(edges(&graph, "b.rs"), vec!["view::part"]);
    // A module naming its children is not counted; a child naming its parent's sibling is.
    assert_eq!(edges(&graph, "view/mod.rs"), Vec::<String>::new());
    assert_eq!(edges(&graph, "view/part.rs"), vec!["a", "b"]);
    assert_eq!(edges(&graph, "mod.rs"), Vec::<String>::new());
    let found = circle(&graph).expect("a circle");
    assert_eq!(described(&found), "a -> b -> view::part -> a");
}

#[test]
fn test_modules_may_name_anything() {
    let graph = graph(&files(&[
        ("mod.rs", "pub mod a; pub mod b; #[cfg(test)] mod testdata;"),
        (
            "a.rs",
            "use super::b::Other;\n#[cfg(test)]\nmod tests {\n use super::super::a; fn f() { '{'; }\n}\nfn g() {}\n",
        ),
        ("b.rs", "#[cfg(test)]\nmod tests { use crate::tui::a; }"),
        ("testdata.rs", "use crate::tui::a; use crate::tui::b;"),
    ]));
    assert_eq!(edges(&graph, "a.rs"), vec!["b"]);
    assert_eq!(edges(&graph, "b.rs"), Vec::<String>::new());
    assert!(!graph.contains_key(&module_of("testdata.rs")));
    assert_eq!(circle(&graph), None);
}

#[test]
fn the_app_s_modules_form_no_circle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let mut sources = Vec::new();
    read_tree(&root, &root, &mut sources);
    let graph = graph(&sources);
    // The reading itself works: the modules are there and the known dependencies are seen.
    assert!(graph.len() >= 15, "only {} modules read", graph.len());
    assert!(edges(&graph, "app.rs").contains(&"update".to_string()));
    assert!(edges(&graph, "view/article.rs").contains(&"state".to_string()));
    if let Some(found) = circle(&graph) {
        panic!(
            "the modules of src/tui name each other in a circle: {} (modules in circles: {})",
            described(&found),
            in_circles(&graph).join(", ")
        );
    }
}
