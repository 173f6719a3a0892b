//! The MODULE command. kvdb cannot load Redis's C modules, so it answers as a Redis
//! with no module loaded and whose every load fails: LIST is empty, LOAD and LOADEX
//! give Redis's load error (the log says why), UNLOAD finds no such module. LOAD,
//! LOADEX and UNLOAD are guarded by `enable-module-command`, as in Redis.

use super::flags::*;
use super::generic::container;
use super::{spec, CommandSpec, Ctx};
use crate::args::Args;
use crate::error::CommandError;
use crate::reply::Reply;

fn list(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(Reply::Array(Vec::new()))
}

/// MODULE LOAD and LOADEX: Redis's answer for a library it cannot load.
fn load(_ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let path = String::from_utf8_lossy(args.required()?).into_owned();
    crate::log::warning(&format!(
        "Module {path} failed to load: kvdb does not load Redis modules"
    ));
    Err(CommandError::err(
        "Error loading the extension. Please check the server logs.",
    ))
}

fn unload(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Err(CommandError::err(
        "Error unloading module: no such module with that name",
    ))
}

fn help(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(super::generic::help_reply(
        "module",
        &[
            "LIST",
            "    Return a list of loaded modules.",
            "LOAD <path> [<arg> ...]",
            "    Load a module library from <path>, passing to it any optional arguments.",
            "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
            "    Load a module library from <path>, while passing it module configurations and optional arguments.",
            "UNLOAD <name>",
            "    Unload a module.",
        ],
    ))
}

/// The flags of the subcommands that change which modules are loaded.
const LOADING_SUB: u32 = ADMIN | NOSCRIPT | NO_ASYNC_LOADING | PROTECTED;

const MODULE_SUBCOMMANDS: &[CommandSpec] = &[
    spec!("module|help", 2, LOADING | STALE, (0, 0, 0), 0, help),
    spec!("module|list", 2, ADMIN | NOSCRIPT, (0, 0, 0), 0, list),
    spec!("module|load", -3, LOADING_SUB, (0, 0, 0), 0, load),
    spec!("module|loadex", -3, LOADING_SUB, (0, 0, 0), 0, load),
    spec!("module|unload", 3, LOADING_SUB, (0, 0, 0), 0, unload),
];

/// The MODULE command.
pub static COMMANDS: &[CommandSpec] = &[CommandSpec {
    subcommands: MODULE_SUBCOMMANDS,
    ..spec!("module", -2, 0, (0, 0, 0), 0, container)
}];
