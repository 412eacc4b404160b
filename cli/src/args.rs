//! The command line, built from the command table with clap's builder API: one subcommand
//! per resource, one leaf per operation, one flag per path/query parameter and top-level body
//! field; the global options on the root and on every leaf (where an operation's own input of
//! the same name takes precedence, e.g. `auth user-token --user-id`).

use std::collections::{BTreeMap, HashSet};

use clap::{Arg, ArgAction, ArgMatches, Command as Clap};

use crate::table::{Command, Input, Kind, Place, kebab};

/// Global options: (id, value name or None for a switch, help).
pub const GLOBALS: &[(&str, Option<&str>, &str)] = &[
    (
        "api-key",
        Some("KEY"),
        "API key or user token [env: HYPERSPELL_API_KEY]",
    ),
    (
        "base-url",
        Some("URL"),
        "Base URL of the API [env: HYPERSPELL_BASE_URL]",
    ),
    (
        "user-id",
        Some("USER"),
        "Act as this user (X-As-User) [env: HYPERSPELL_USER_ID]; where the operation has its \
         own `user_id` input, --user-id is that input and --as-user acts as the user",
    ),
    (
        "as-user",
        Some("USER"),
        "Act as this user (X-As-User), like --user-id",
    ),
    (
        "timeout",
        Some("SECONDS"),
        "Timeout of each attempt in seconds (default 60)",
    ),
    (
        "max-retries",
        Some("N"),
        "Retries after the first attempt (default 2)",
    ),
    (
        "debug",
        None,
        "Print request and response lines on stderr (secrets redacted)",
    ),
    (
        "format",
        Some("FORMAT"),
        "Output format: json, jsonl, yaml, pretty, raw (default: pretty on a terminal, \
         compact JSON when piped)",
    ),
    (
        "transform",
        Some("EXPR"),
        "A jq expression applied to the response (or to each item with --all)",
    ),
];

const EXIT_CODES: &str = "Exit codes: 0 success, 1 API error (HTTP status), 2 usage error \
                          (bad flags, inputs or files, missing API key), 3 connection failure, \
                          4 timeout, 5 other failure (unreadable response, output).";

/// The whole command line.
pub fn build(commands: &[Command]) -> Clap {
    let mut root = Clap::new("hyperspell")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The Hyperspell API from the command line: `hyperspell <resource> <method>`")
        .after_help(EXIT_CODES)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .max_term_width(100);
    root = add_globals(root, &HashSet::new());
    root = root.subcommand(
        Clap::new("completion")
            .about("Print a shell completion script (bash, zsh, fish)")
            .arg(Arg::new("shell").required(true).value_parser([
                "bash",
                "zsh",
                "fish",
                "elvish",
                "powershell",
            ])),
    );
    let mut tree = Node::default();
    for (index, command) in commands.iter().enumerate() {
        let mut node = &mut tree;
        for word in command.words() {
            node = node.children.entry(word).or_default();
        }
        node.command = Some(index);
    }
    for (word, node) in tree.children {
        root = root.subcommand(node.build(&word, commands));
    }
    root
}

#[derive(Default)]
struct Node {
    command: Option<usize>,
    children: BTreeMap<String, Node>,
}

impl Node {
    fn build(self, word: &str, commands: &[Command]) -> Clap {
        let mut clap = Clap::new(word.to_owned());
        match self.command {
            Some(index) => clap = leaf(clap, &commands[index]),
            None => {
                let calls: Vec<String> = self.children.keys().cloned().collect();
                clap = clap
                    .about(format!("Operations: {}", calls.join(", ")))
                    .subcommand_required(true)
                    .arg_required_else_help(true);
            }
        }
        for (child, node) in self.children {
            clap = clap.subcommand(node.build(&child, commands));
        }
        clap
    }
}

fn add_globals(mut clap: Clap, shadowed: &HashSet<String>) -> Clap {
    for (id, value, help) in GLOBALS {
        if shadowed.contains(*id) {
            continue;
        }
        let mut arg = Arg::new(*id).long(*id).help(*help);
        arg = match value {
            Some(name) => arg
                .value_name(*name)
                .num_args(1)
                .allow_negative_numbers(true),
            None => arg.action(ArgAction::SetTrue),
        };
        clap = clap.arg(arg);
    }
    clap
}

/// The flag of an input (body fields that share a parameter's name get a `body-` prefix).
pub fn flag(command: &Command, input: &Input) -> String {
    let name = kebab(&input.name);
    let shared =
        input.place == Place::Body && command.params.iter().any(|p| kebab(&p.name) == name);
    if shared { format!("body-{name}") } else { name }
}

/// (arg id, flag) of every input of `command`, in [`Command::inputs`] order: the input's
/// name in kebab case; a body field sharing a parameter's name, or an input named like one of
/// the CLI's own flags, gets its place as a prefix (`--body-source`, `--query-all`).
pub fn flags(command: &Command) -> Vec<(String, String)> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for input in command.inputs() {
        let mut name = flag(command, input);
        if RESERVED.contains(&name.as_str()) || taken.contains(&name) {
            name = format!("{}-{name}", place_word(input.place));
        }
        taken.insert(name.clone());
        out.push((arg_id(input), name));
    }
    out
}

/// Flags of the CLI itself that an operation's input may not take.
const RESERVED: &[&str] = &["body", "all", "max-items", "help"];

fn leaf(mut clap: Clap, command: &Command) -> Clap {
    let op = command.operation;
    let mut about = command
        .summary
        .clone()
        .unwrap_or_else(|| format!("{} {}", op.method, op.path));
    if command.deprecated {
        about.push_str(" (deprecated)");
    }
    let mut long = format!("{about}\n\n`{} {}`", op.method, op.path);
    if let Some(text) = &command.description {
        long.push_str("\n\n");
        long.push_str(text.trim());
    }
    clap = clap.about(about).long_about(long);
    let flags = flags(command);
    let taken: HashSet<String> = flags.iter().map(|(_, flag)| flag.clone()).collect();
    for (input, flag) in command.inputs().zip(&flags) {
        clap = clap.arg(input_arg(command, input, &flag.1));
    }
    if let Some(body) = &command.body {
        let help = if body.is_multipart() {
            "Not for multipart operations: set the form fields with their flags".to_owned()
        } else {
            "The whole JSON body: @file.json, or - for stdin (flags set fields over it)".to_owned()
        };
        clap = clap.arg(
            Arg::new("body")
                .long("body")
                .value_name("@FILE|-")
                .help(help),
        );
    }
    if command.items.is_some() {
        clap = clap
            .arg(
                Arg::new("all")
                    .long("all")
                    .action(ArgAction::SetTrue)
                    .help("Every item of every page (one JSON value per item)"),
            )
            .arg(
                Arg::new("max-items")
                    .long("max-items")
                    .value_name("N")
                    .value_parser(clap::value_parser!(u64))
                    .requires("all")
                    .help("With --all: stop after N items"),
            );
    }
    add_globals(clap, &taken)
}

fn place_word(place: Place) -> &'static str {
    match place {
        Place::Path => "path",
        Place::Query => "query",
        Place::Body => "body",
    }
}

/// The arg id of an input: unique per command, independent of its flag.
pub fn arg_id(input: &Input) -> String {
    format!("{}:{}", place_word(input.place), input.name)
}

fn input_arg(command: &Command, input: &Input, flag: &str) -> Arg {
    let mut help = input
        .description
        .as_deref()
        .map(|d| d.trim().to_owned())
        .unwrap_or_default();
    let mut notes = vec![kind_word(input).to_owned()];
    if input.required {
        notes.insert(0, "required".to_owned());
    }
    if let Some(values) = &input.values {
        let values: Vec<String> = values
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| v.to_string())
            })
            .collect();
        notes.push(format!("values: {} (others accepted)", values.join(", ")));
    }
    if input.place == Place::Query {
        notes.push("query".into());
    }
    let notes = format!("[{}]", notes.join("; "));
    help = if help.is_empty() {
        notes
    } else {
        format!("{help} {notes}")
    };
    let value_name = match input.kind {
        Kind::Integer => "INT",
        Kind::Number => "NUMBER",
        Kind::Boolean => "BOOL",
        Kind::Json => "JSON|@FILE",
        Kind::File => "PATH",
        Kind::String => "STRING",
    };
    let short_help = help.lines().next().unwrap_or("").to_owned();
    let mut arg = Arg::new(arg_id(input))
        .long(flag.to_owned())
        .value_name(value_name)
        .help(short_help)
        .long_help(help)
        .num_args(1);
    arg = match input.kind {
        Kind::Integer => arg.allow_negative_numbers(true).value_parser(|s: &str| {
            s.parse::<i64>()
                .map(|_| s.to_owned())
                .map_err(|_| format!("`{s}` is not an integer"))
        }),
        Kind::Number => {
            arg.allow_negative_numbers(true)
                .value_parser(|s: &str| match s.parse::<f64>() {
                    Ok(n) if n.is_finite() => Ok(s.to_owned()),
                    _ => Err(format!("`{s}` is not a number")),
                })
        }
        Kind::Boolean => arg.value_parser(|s: &str| match s {
            "true" | "false" => Ok(s.to_owned()),
            _ => Err(format!("`{s}` is not a boolean (true or false)")),
        }),
        _ => arg,
    };
    if input.array {
        arg = arg.action(ArgAction::Append);
    }
    if input.required {
        // a body field can also come from --body
        arg = if input.place == Place::Body
            && command.body.as_ref().is_some_and(|b| !b.is_multipart())
        {
            arg.required_unless_present("body")
        } else {
            arg.required(true)
        };
    }
    arg
}

fn kind_word(input: &Input) -> &'static str {
    match (input.kind, input.array) {
        (Kind::String, false) => "string",
        (Kind::Integer, false) => "integer",
        (Kind::Number, false) => "number",
        (Kind::Boolean, false) => "boolean",
        (Kind::Json, _) => "JSON",
        (Kind::File, _) => "file",
        (Kind::String, true) => "strings, repeat the flag",
        (Kind::Integer, true) => "integers, repeat the flag",
        (Kind::Number, true) => "numbers, repeat the flag",
        (Kind::Boolean, true) => "booleans, repeat the flag",
    }
}

/// The leaf reached and its matches (the path of subcommand names).
pub fn leaf_matches(matches: &ArgMatches) -> (Vec<String>, &ArgMatches) {
    let mut words = Vec::new();
    let mut current = matches;
    while let Some((name, sub)) = current.subcommand() {
        words.push(name.to_owned());
        current = sub;
    }
    (words, current)
}

/// The value of a global option: the leaf's, else the root's.
pub fn global<'m>(root: &'m ArgMatches, leaf: &'m ArgMatches, id: &str) -> Option<&'m String> {
    let get = |m: &'m ArgMatches| m.try_get_one::<String>(id).ok().flatten();
    get(leaf).or_else(|| get(root))
}

pub fn switch(root: &ArgMatches, leaf: &ArgMatches, id: &str) -> bool {
    let get = |m: &ArgMatches| m.try_get_one::<bool>(id).ok().flatten().copied();
    get(leaf).unwrap_or(false) || get(root).unwrap_or(false)
}
