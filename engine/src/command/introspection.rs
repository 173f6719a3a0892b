//! COMMAND: the command table as clients see it.
//!
//! `COMMAND`, `COMMAND INFO`, `COMMAND COUNT` and `COMMAND LIST` read the same table
//! dispatch uses, so what kvdb says it supports is exactly what it runs; tips, key specs
//! and `COMMAND DOCS` come from the documentation table in `docs_data.rs`.

use bytes::Bytes;

use super::flags::*;
use super::{acl, docs, flags, spec, table, CommandSpec, Ctx};
use crate::args::{is_keyword, Args};
use crate::error::CommandError;
use crate::glob::glob_match;
use crate::reply::Reply;

fn names_of(bits: u32, names: &[(u32, &'static str)]) -> Reply {
    Reply::Set(
        names
            .iter()
            .filter(|(bit, _)| bits & bit != 0)
            .map(|(_, name)| Reply::status(name))
            .collect(),
    )
}

/// One command's `COMMAND INFO` entry.
pub(crate) fn command_info(spec: &CommandSpec) -> Reply {
    Reply::Array(vec![
        Reply::bulk(spec.name),
        Reply::Int(i64::from(spec.arity)),
        names_of(spec.flags, flags::NAMES),
        Reply::Int(i64::from(spec.first_key)),
        Reply::Int(i64::from(spec.last_key)),
        Reply::Int(i64::from(spec.key_step)),
        names_of(spec.acl_categories(), acl::NAMES),
        docs::doc(spec.name).map_or(Reply::Set(Vec::new()), docs::tips_reply),
        docs::doc(spec.name).map_or(Reply::Set(Vec::new()), docs::key_specs_reply),
        // Redis answers an empty set for a command without subcommands.
        if spec.subcommands.is_empty() {
            Reply::Set(Vec::new())
        } else {
            Reply::Array(spec.subcommands.iter().map(command_info).collect())
        },
    ])
}

fn command_all(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(Reply::Array(
        table().all.iter().map(|spec| command_info(spec)).collect(),
    ))
}

fn command_help(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(super::generic::help_reply(
        "command",
        &[
            "(no subcommand)",
            "    Return details about all Redis commands.",
            "COUNT",
            "    Return the total number of commands in this Redis server.",
            "LIST",
            "    Return a list of all commands in this Redis server.",
            "INFO [<command-name> ...]",
            "    Return details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "DOCS [<command-name> ...]",
            "    Return documentation details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "GETKEYS <full-command>",
            "    Return the keys from a full Redis command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and the access flags from a full Redis command.",
        ],
    ))
}

fn command_count(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(Reply::Int(table().all.len() as i64))
}

fn command_info_cmd(_ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let names = args.rest();
    if names.is_empty() {
        return command_all(_ctx, args);
    }
    Ok(Reply::Array(
        names
            .iter()
            .map(|name| lookup_full_name(name).map_or(Reply::Nil, command_info))
            .collect(),
    ))
}

/// A command or `container|sub` by full name.
fn lookup_full_name(name: &[u8]) -> Option<&'static CommandSpec> {
    let text = std::str::from_utf8(name).ok()?.to_ascii_lowercase();
    match text.split_once('|') {
        None => table().get(name),
        Some((container, _)) => table()
            .get(container.as_bytes())?
            .subcommands
            .iter()
            .find(|sub| sub.name == text),
    }
}

fn command_list(_ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    enum Filter<'a> {
        All,
        Pattern(&'a [u8]),
        Category(u32),
        Module,
    }
    let filter = if args.is_empty() {
        Filter::All
    } else if args.remaining() == 3 && args.eat_keyword("FILTERBY") {
        let kind = args.required()?;
        let value = args.required()?;
        if is_keyword(kind, "PATTERN") {
            Filter::Pattern(value)
        } else if is_keyword(kind, "ACLCAT") {
            let wanted = format!("@{}", String::from_utf8_lossy(value).to_ascii_lowercase());
            match acl::NAMES.iter().find(|(_, name)| *name == wanted) {
                Some((bit, _)) => Filter::Category(*bit),
                None => Filter::Category(0),
            }
        } else if is_keyword(kind, "MODULE") {
            Filter::Module
        } else {
            return Err(CommandError::Syntax);
        }
    } else {
        return Err(CommandError::Syntax);
    };
    let mut names = Vec::new();
    for spec in &table().all {
        for candidate in std::iter::once(*spec).chain(spec.subcommands.iter()) {
            let keep = match filter {
                Filter::All => true,
                Filter::Pattern(pattern) => glob_match(pattern, candidate.name.as_bytes(), true),
                Filter::Category(bit) => candidate.acl_categories() & bit != 0,
                Filter::Module => false,
            };
            if keep {
                names.push(Reply::Bulk(Bytes::from_static(candidate.name.as_bytes())));
            }
        }
    }
    Ok(Reply::Array(names))
}

fn docs_of(spec: &CommandSpec) -> Option<(Reply, Reply)> {
    let doc = docs::doc(spec.name)?;
    let subcommands = (!spec.subcommands.is_empty())
        .then(|| spec.subcommands.iter().filter_map(docs_of).collect());
    Some((Reply::bulk(spec.name), docs::docs_reply(doc, subcommands)))
}

fn command_docs(_ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let names = args.rest();
    if names.is_empty() {
        return Ok(Reply::Map(
            table()
                .all
                .iter()
                .filter_map(|spec| docs_of(spec))
                .collect(),
        ));
    }
    Ok(Reply::Map(
        names
            .iter()
            .filter_map(|name| lookup_full_name(name))
            .filter_map(docs_of)
            .collect(),
    ))
}

/// The sorted key of SORT_RO (Redis's `sortROGetKeys`).
fn sort_ro_keys(_argv: &[&[u8]]) -> Vec<docs::KeyRef> {
    vec![(1, &["RO", "access"])]
}

/// SORT's keys, which its spec cannot declare (Redis's `sortGetKeys`): the sorted key
/// and the destination of the last STORE, skipping the arguments of LIMIT, GET and BY.
fn sort_keys(argv: &[&[u8]]) -> Vec<docs::KeyRef> {
    let mut keys = sort_ro_keys(argv);
    let mut store = None;
    let mut at = 2;
    while at < argv.len() {
        let arg = argv[at];
        if is_keyword(arg, "LIMIT") {
            at += 2;
        } else if is_keyword(arg, "GET") || is_keyword(arg, "BY") {
            at += 1;
        } else if is_keyword(arg, "STORE") && at + 1 < argv.len() {
            store = Some((at + 1, &["OW", "update"][..]));
        }
        at += 1;
    }
    keys.extend(store);
    keys
}

/// SET's key, whose access depends on GET (Redis's `setGetKeys`).
fn set_keys(argv: &[&[u8]]) -> Vec<docs::KeyRef> {
    let reads = argv.iter().skip(3).any(|arg| is_keyword(arg, "GET"));
    let flags: &[&str] = if reads {
        &["RW", "access", "update"]
    } else {
        &["OW", "update"]
    };
    vec![(1, flags)]
}

/// MIGRATE's keys: its key argument, or everything after KEYS (which needs an empty
/// key argument), skipping AUTH's and AUTH2's values (Redis's `migrateGetKeys`).
fn migrate_keys(argv: &[&[u8]]) -> Vec<docs::KeyRef> {
    let (mut first, mut count) = (3, 1);
    let mut at = 6;
    while at < argv.len() {
        let arg = argv[at];
        if is_keyword(arg, "KEYS") {
            if !argv[3].is_empty() {
                return Vec::new();
            }
            first = at + 1;
            count = argv.len() - first;
            break;
        }
        if is_keyword(arg, "AUTH") {
            at += 1;
        } else if is_keyword(arg, "AUTH2") {
            at += 2;
        }
        at += 1;
    }
    let flags: &[&str] = &["RW", "access", "delete"];
    (first..first + count)
        .filter(|&at| at < argv.len())
        .map(|at| (at, flags))
        .collect()
}

/// BITFIELD's key: read-only when every operation is a GET (Redis's
/// `bitfieldGetKeys`).
fn bitfield_keys(argv: &[&[u8]]) -> Vec<docs::KeyRef> {
    let mut readonly = true;
    let mut at = 2;
    while at < argv.len() {
        let left = argv.len() - at - 1;
        let arg = argv[at];
        if is_keyword(arg, "GET") && left >= 2 {
            at += 2;
        } else if is_keyword(arg, "OVERFLOW") && left >= 1 {
            at += 1;
        } else {
            readonly = false;
            break;
        }
        at += 1;
    }
    let flags: &[&str] = if readonly {
        &["RO", "access"]
    } else {
        &["RW", "access", "update"]
    };
    vec![(1, flags)]
}

/// A command's own way to find its keys in its arguments.
type KeyFinder = fn(&[&[u8]]) -> Vec<docs::KeyRef>;

/// The commands that find their keys themselves where specs cannot (unknown or
/// incomplete specs, or flags that depend on the arguments).
fn key_finder(name: &str) -> Option<KeyFinder> {
    match name {
        "sort" => Some(sort_keys),
        "sort_ro" => Some(sort_ro_keys),
        "set" => Some(set_keys),
        "bitfield" => Some(bitfield_keys),
        "migrate" => Some(migrate_keys),
        _ => None,
    }
}

/// How a command's keys are found, decided from its name (Redis's
/// `getKeysFromCommandWithSpecs`): its key specs unless their flags vary, then its
/// own finder.
#[derive(Debug)]
pub(crate) struct KeyPlan {
    specs: Option<&'static docs::CommandDoc>,
    finder: Option<KeyFinder>,
    /// The command may take keys (Redis's `doesCommandHaveKeys`).
    pub has_keys: bool,
}

impl KeyPlan {
    fn of(name: &str) -> KeyPlan {
        let doc = docs::doc(name);
        let variable = doc.is_some_and(|doc| {
            doc.key_specs
                .iter()
                .any(|spec| spec.flags.contains(&"variable_flags"))
        });
        let finder = key_finder(name);
        KeyPlan {
            specs: doc.filter(|_| !variable),
            finder,
            has_keys: finder.is_some() || doc.is_some_and(docs::declares_keys),
        }
    }

    /// The plan of the command (or subcommand) `id`, made once: ACL checks ask on
    /// every command of a user with key patterns.
    pub(crate) fn of_command(id: super::CommandId) -> &'static KeyPlan {
        static PLANS: std::sync::OnceLock<Vec<KeyPlan>> = std::sync::OnceLock::new();
        let plans = PLANS.get_or_init(|| {
            let table = table();
            (0..table.id_count())
                .map(|id| KeyPlan::of(table.by_id(id as super::CommandId).name))
                .collect()
        });
        &plans[usize::from(id)]
    }

    /// The key arguments of `argv` (the command's name first) with their flags;
    /// `None` when there are none.
    pub(crate) fn find<A: AsRef<[u8]>>(&self, argv: &[A]) -> Option<Vec<docs::KeyRef>> {
        let mut keys = Vec::new();
        self.find_into(argv, &mut keys);
        (!keys.is_empty()).then_some(keys)
    }

    /// [`find`](KeyPlan::find) into `keys` (emptied first), which keeps its
    /// allocation for the next call: ACL checks find keys on every command.
    pub(crate) fn find_into<A: AsRef<[u8]>>(&self, argv: &[A], keys: &mut Vec<docs::KeyRef>) {
        keys.clear();
        if let Some(doc) = self.specs {
            if docs::keys_by_specs(doc, argv, keys).is_some() {
                return;
            }
            keys.clear();
        }
        if let Some(find) = self.finder {
            let argv: Vec<&[u8]> = argv.iter().map(AsRef::as_ref).collect();
            // A finder may name a position a call without arity checks lacks
            // (`redis.acl_check_cmd('set')`).
            keys.extend(find(&argv).into_iter().filter(|&(at, _)| at < argv.len()));
        }
    }
}

/// Where the key arguments of `argv`, a call of the command `name` (its full name),
/// are in it: what COMMAND GETKEYS would answer, as positions.
pub fn key_positions(name: &str, argv: &[bytes::Bytes]) -> Vec<usize> {
    KeyPlan::of(name)
        .find(argv)
        .unwrap_or_default()
        .into_iter()
        .map(|(at, _)| at)
        .collect()
}

/// COMMAND GETKEYS and GETKEYSANDFLAGS: the key arguments of the command given
/// ([`KeyPlan`]), with Redis's errors for a command that has none.
fn getkeys_generic(args: &mut Args<'_>, with_flags: bool) -> Result<Reply, CommandError> {
    let rest = args.rest();
    let spec = table()
        .resolve(rest)
        .map_err(|_| CommandError::err("Invalid command specified"))?;
    let plan = KeyPlan::of(spec.name);
    if !plan.has_keys {
        return Err(CommandError::err("The command has no key arguments"));
    }
    if !spec.arity_ok(rest.len()) {
        return Err(CommandError::err(
            "Invalid number of arguments specified for command",
        ));
    }
    let keys = plan.find(rest);
    // Commands whose keys are optional (EVAL, FCALL) answer an empty list instead.
    let keys = match keys {
        Some(keys) => keys,
        None if spec.flags & super::flags::NO_MANDATORY_KEYS != 0 => Vec::new(),
        None => return Err(CommandError::err("Invalid arguments specified for command")),
    };
    Ok(Reply::Array(
        keys.into_iter()
            .map(|(at, flags)| {
                let key = Reply::Bulk(rest[at].clone());
                if with_flags {
                    let flags = flags.iter().map(|flag| Reply::status(flag)).collect();
                    Reply::Array(vec![key, Reply::Set(flags)])
                } else {
                    key
                }
            })
            .collect(),
    ))
}

fn command_getkeys(_ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    getkeys_generic(args, false)
}

fn command_getkeysandflags(_ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    getkeys_generic(args, true)
}

const COMMAND_SUBCOMMANDS: &[CommandSpec] = &[
    spec!(
        "command|getkeys",
        -4,
        LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        command_getkeys
    ),
    spec!(
        "command|getkeysandflags",
        -4,
        LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        command_getkeysandflags
    ),
    spec!(
        "command|docs",
        -2,
        LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        command_docs
    ),
    spec!(
        "command|count",
        2,
        LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        command_count
    ),
    spec!(
        "command|info",
        -2,
        LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        command_info_cmd
    ),
    spec!(
        "command|list",
        -2,
        LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        command_list
    ),
    spec!(
        "command|help",
        2,
        LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        command_help
    ),
];

/// The COMMAND command.
pub static COMMANDS: &[CommandSpec] = &[CommandSpec {
    subcommands: COMMAND_SUBCOMMANDS,
    ..spec!(
        "command",
        -1,
        LOADING | STALE,
        (0, 0, 0),
        acl::CONNECTION,
        command_all
    )
}];
