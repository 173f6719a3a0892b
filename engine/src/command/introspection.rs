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

const COMMAND_SUBCOMMANDS: &[CommandSpec] = &[
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
