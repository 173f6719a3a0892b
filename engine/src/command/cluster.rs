//! What a server without cluster support answers: CLUSTER and its subcommands,
//! READONLY, READWRITE and ASKING all say "This instance has cluster support
//! disabled", as Redis does with `cluster-enabled no` (its only mode in kvdb), after
//! the usual arity and subcommand checks. Having them in the table, rather than
//! answering "unknown command", gives clients and scripts Redis's answers: a script
//! calling `CLUSTER RESET` is refused as `noscript`, and COMMAND lists them.

use super::flags::*;
use super::{acl, spec, CommandSpec, Ctx};
use crate::args::Args;
use crate::error::CommandError;
use crate::reply::Reply;

/// Every cluster command's answer on a server without cluster support.
fn disabled(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Err(CommandError::err(
        "This instance has cluster support disabled",
    ))
}

/// In the order Redis's COMMAND lists them.
const CLUSTER_SUBCOMMANDS: &[CommandSpec] = &[
    spec!("cluster|getkeysinslot", 4, STALE, (0, 0, 0), 0, disabled),
    spec!("cluster|replicas", 3, ADMIN | STALE, (0, 0, 0), 0, disabled),
    spec!("cluster|info", 2, STALE, (0, 0, 0), 0, disabled),
    spec!(
        "cluster|flushslots",
        2,
        ADMIN | STALE | NO_ASYNC_LOADING,
        (0, 0, 0),
        0,
        disabled
    ),
    spec!("cluster|myid", 2, STALE, (0, 0, 0), 0, disabled),
    spec!(
        "cluster|failover",
        -2,
        ADMIN | STALE | NO_ASYNC_LOADING,
        (0, 0, 0),
        0,
        disabled
    ),
    spec!(
        "cluster|reset",
        -2,
        ADMIN | NOSCRIPT | STALE,
        (0, 0, 0),
        0,
        disabled
    ),
    spec!("cluster|slaves", 3, ADMIN | STALE, (0, 0, 0), 0, disabled),
    spec!(
        "cluster|delslots",
        -3,
        ADMIN | STALE | NO_ASYNC_LOADING,
        (0, 0, 0),
        0,
        disabled
    ),
    spec!("cluster|keyslot", 3, STALE, (0, 0, 0), 0, disabled),
    spec!(
        "cluster|replicate",
        3,
        ADMIN | STALE | NO_ASYNC_LOADING,
        (0, 0, 0),
        0,
        disabled
    ),
    spec!("cluster|slots", 2, STALE, (0, 0, 0), 0, disabled),
    spec!(
        "cluster|addslotsrange",
        -4,
        ADMIN | STALE | NO_ASYNC_LOADING,
        (0, 0, 0),
        0,
        disabled
    ),
    spec!(
        "cluster|forget",
        3,
        ADMIN | STALE | NO_ASYNC_LOADING,
        (0, 0, 0),
        0,
        disabled
    ),
    spec!("cluster|links", 2, STALE, (0, 0, 0), 0, disabled),
    spec!(
        "cluster|setslot",
        -4,
        ADMIN | STALE | NO_ASYNC_LOADING,
        (0, 0, 0),
        0,
        disabled
    ),
    spec!("cluster|shards", 2, STALE, (0, 0, 0), 0, disabled),
    spec!(
        "cluster|delslotsrange",
        -4,
        ADMIN | STALE | NO_ASYNC_LOADING,
        (0, 0, 0),
        0,
        disabled
    ),
    spec!(
        "cluster|addslots",
        -3,
        ADMIN | STALE | NO_ASYNC_LOADING,
        (0, 0, 0),
        0,
        disabled
    ),
    spec!("cluster|nodes", 2, STALE, (0, 0, 0), 0, disabled),
    spec!(
        "cluster|meet",
        -4,
        ADMIN | STALE | NO_ASYNC_LOADING,
        (0, 0, 0),
        0,
        disabled
    ),
    spec!(
        "cluster|set-config-epoch",
        3,
        ADMIN | STALE | NO_ASYNC_LOADING,
        (0, 0, 0),
        0,
        disabled
    ),
    spec!(
        "cluster|count-failure-reports",
        3,
        ADMIN | STALE,
        (0, 0, 0),
        0,
        disabled
    ),
    spec!("cluster|countkeysinslot", 3, STALE, (0, 0, 0), 0, disabled),
    spec!("cluster|help", 2, LOADING | STALE, (0, 0, 0), 0, disabled),
    spec!(
        "cluster|saveconfig",
        2,
        ADMIN | STALE | NO_ASYNC_LOADING,
        (0, 0, 0),
        0,
        disabled
    ),
    spec!(
        "cluster|bumpepoch",
        2,
        ADMIN | STALE | NO_ASYNC_LOADING,
        (0, 0, 0),
        0,
        disabled
    ),
];

/// CLUSTER (a container), READONLY, READWRITE and ASKING.
pub(crate) const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        subcommands: CLUSTER_SUBCOMMANDS,
        ..spec!("cluster", -2, 0, (0, 0, 0), 0, super::generic::container)
    },
    spec!(
        "readonly",
        1,
        LOADING | STALE | FAST,
        (0, 0, 0),
        acl::CONNECTION,
        disabled
    ),
    spec!(
        "readwrite",
        1,
        LOADING | STALE | FAST,
        (0, 0, 0),
        acl::CONNECTION,
        disabled
    ),
    spec!("asking", 1, FAST, (0, 0, 0), acl::CONNECTION, disabled),
];
