//! Scripting commands. Lua and Functions arrive with the scripting issue; until then the
//! only exact member of the family is `FUNCTION FLUSH`: kvdb cannot load a function
//! library, so there is never one to delete, and FLUSH answers what Redis answers for an
//! empty library set. (Redis's own test suite starts every unit with it.) Every other
//! FUNCTION subcommand answers Redis's unknown-subcommand error.

use super::flags::*;
use super::generic::container;
use super::{acl, spec, CommandSpec, Ctx};
use crate::args::{is_keyword, Args};
use crate::error::CommandError;
use crate::reply::Reply;

fn function_flush(_ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let argv = args.argv();
    match args.rest() {
        [] => Ok(Reply::Ok),
        [mode] if is_keyword(mode, "SYNC") || is_keyword(mode, "ASYNC") => Ok(Reply::Ok),
        [_] => Err(CommandError::err(
            "FUNCTION FLUSH only supports SYNC|ASYNC option",
        )),
        _ => Err(super::subcommand_syntax_error(argv)),
    }
}

const FUNCTION_SUBCOMMANDS: &[CommandSpec] = &[spec!(
    "function|flush",
    -2,
    WRITE | NOSCRIPT,
    (0, 0, 0),
    acl::SCRIPTING,
    function_flush
)];

/// The scripting family's commands (so far).
pub static COMMANDS: &[CommandSpec] = &[CommandSpec {
    subcommands: FUNCTION_SUBCOMMANDS,
    ..spec!("function", -2, 0, (0, 0, 0), 0, container)
}];
