//! The `ACL` command: users (SETUSER, GETUSER, DELUSER, LIST, USERS, WHOAMI), the
//! categories (CAT), permission dry runs (DRYRUN), the security log (LOG), the ACL
//! file (LOAD, SAVE) and GENPASS, each answering as Redis 7.0's `aclCommand` does.
//! The users themselves live in [`crate::acl`].

use std::io::Read as _;
use std::sync::Arc;

use bytes::Bytes;

use super::flags::*;
use super::generic::container;
use super::{acl, spec, subcommand_syntax_error, CommandSpec, Ctx};
use crate::acl::User;
use crate::args::{is_keyword, Args};
use crate::error::CommandError;
use crate::reply::Reply;
use crate::session::ClientKind;

/// ACL SETUSER name rule...: every rule applies or none does.
fn setuser(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    // Rules hold passwords: none of them reaches the slowlog or MONITOR.
    for position in 2..args.argv().len() {
        ctx.redact(position);
    }
    let name = args.required()?.clone();
    if crate::acl::has_spaces(&name) {
        return Err(CommandError::err(
            "Usernames can't contain spaces or null characters",
        ));
    }
    let rules = args.rest();
    let all_channels = ctx.config().acl_pubsub_all_channels();
    let previous = ctx
        .shared
        .change_acl(|acl| acl.set_user(&name, rules, all_channels))
        .map_err(CommandError::err)?;
    // Subscribers of this user lose the connection when a channel they hold is no
    // longer allowed (Redis's `ACLKillPubsubClientsIfNeeded`).
    let updated = ctx.shared.acl.read().user(&name).cloned();
    if let (Some(previous), Some(updated)) = (previous, updated) {
        if let Some(allowed) = previous.channels_revoked(&updated) {
            kill_revoked_subscribers(ctx, &name, &allowed);
        }
    }
    Ok(Reply::Ok)
}

fn kill_revoked_subscribers(ctx: &mut Ctx<'_>, name: &[u8], allowed: &[Bytes]) {
    use crate::pubsub::Kind;
    super::connection::kill_clients(ctx, |info, keyspace| {
        if info.user_name() != name || info.kind() != ClientKind::Pubsub {
            return false;
        }
        let pubsub = &keyspace.pubsub;
        let mut channels = pubsub.subscriptions(info.id, Kind::Channel);
        channels.extend(pubsub.subscriptions(info.id, Kind::Shard));
        let patterns = pubsub.subscriptions(info.id, Kind::Pattern);
        !crate::acl::subscriptions_allowed(allowed, &channels, &patterns)
    });
}

/// ACL DELUSER name...: how many existed; their clients are disconnected.
fn deluser(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let names = args.rest();
    if names.iter().any(|name| name.as_ref() == b"default") {
        return Err(CommandError::err("The 'default' user cannot be removed"));
    }
    let deleted: Vec<Bytes> = ctx.shared.change_acl(|acl| {
        names
            .iter()
            .filter_map(|name| acl.delete_user(name).map(|user| user.name().clone()))
            .collect()
    });
    super::connection::kill_clients(ctx, |info, _| {
        deleted.iter().any(|name| name.as_ref() == info.user_name())
    });
    Ok(Reply::Int(deleted.len() as i64))
}

/// ACL GETUSER name: the user's flags, password hashes and selectors, or nil.
fn getuser(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let name = args.required()?;
    let Some(user) = ctx.shared.acl.read().user(name).cloned() else {
        return Ok(Reply::Nil);
    };
    let field = |name: &'static str| Reply::bulk(name);
    let selector_fields = |view: crate::acl::SelectorView| {
        vec![
            (field("commands"), Reply::Bulk(Bytes::from(view.commands))),
            (field("keys"), Reply::Bulk(Bytes::from(view.keys))),
            (field("channels"), Reply::Bulk(Bytes::from(view.channels))),
        ]
    };
    let mut views = user.selector_views().into_iter();
    let mut fields = vec![
        (
            field("flags"),
            Reply::Set(user.flag_names().into_iter().map(Reply::bulk).collect()),
        ),
        (
            field("passwords"),
            Reply::Array(
                user.password_hashes()
                    .iter()
                    .map(|hash| Reply::Bulk(Bytes::from(hash.clone())))
                    .collect(),
            ),
        ),
    ];
    fields.extend(selector_fields(views.next().expect("a root selector")));
    let selectors = views
        .map(|view| Reply::Map(selector_fields(view)))
        .collect();
    fields.push((field("selectors"), Reply::Array(selectors)));
    Ok(Reply::Map(fields))
}

/// ACL LIST: every user as a config line.
fn list(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let lines = ctx.shared.acl.read().user_lines();
    Ok(Reply::Array(
        lines
            .into_iter()
            .map(|line| Reply::Bulk(Bytes::from(line)))
            .collect(),
    ))
}

/// ACL USERS: every user's name.
fn users(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let acl = ctx.shared.acl.read();
    Ok(Reply::Array(
        acl.users()
            .map(|user| Reply::Bulk(user.name().clone()))
            .collect(),
    ))
}

/// ACL WHOAMI: the client's user.
fn whoami(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(Reply::Bulk(ctx.client.user.name().clone()))
}

/// The ACL file as configured and where it is, or Redis's error when none is
/// configured.
fn acl_file(ctx: &Ctx<'_>) -> Result<(String, std::path::PathBuf), CommandError> {
    ctx.config().aclfile().ok_or_else(|| {
        CommandError::err(
            "This Redis instance is not configured to use an ACL file. You may want to \
             specify users via the ACL SETUSER command and then issue a CONFIG REWRITE \
             (assuming you have a Redis configuration file set) in order to store users in \
             the Redis configuration.",
        )
    })
}

/// ACL LOAD: replaces every user with the ACL file's, if the whole file is right.
/// Clients of every user but the default one are disconnected, as Redis frees those
/// users.
fn load(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let (path, file) = acl_file(ctx)?;
    let all_channels = ctx.config().acl_pubsub_all_channels();
    ctx.shared
        .change_acl(|acl| acl.load_file((&path, &file), all_channels))
        .map_err(CommandError::err)?;
    super::connection::kill_clients(ctx, |info, _| info.user_name() != b"default");
    Ok(Reply::Ok)
}

/// ACL SAVE: writes every user to the ACL file.
fn save(ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let (_, file) = acl_file(ctx)?;
    let saved = ctx.shared.acl.read().save_file(&file, ctx.now_ms);
    saved.map(|()| Reply::Ok).map_err(|why| {
        crate::log::warning(&why);
        CommandError::err(
            "There was an error trying to save the ACLs. Please check the server logs for \
             more information",
        )
    })
}

/// ACL CAT [category]: the categories, or the commands of one.
fn cat(_ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let names = acl::NAMES;
    match args.rest() {
        [] => Ok(Reply::Array(
            names
                .iter()
                .map(|(_, name)| Reply::bulk(&name[1..]))
                .collect(),
        )),
        [category] => {
            let Some(bit) = crate::acl::category_by_name(category) else {
                let shown = &category[..category.len().min(128)];
                return Err(CommandError::err(format!(
                    "Unknown category '{}'",
                    String::from_utf8_lossy(crate::args::c_str(shown))
                )));
            };
            let table = super::table();
            Ok(Reply::Array(
                crate::acl::category_members(bit)
                    .iter()
                    .map(|&id| Reply::bulk(table.by_id(id).name))
                    .collect(),
            ))
        }
        _ => Err(subcommand_syntax_error(args.argv())),
    }
}

/// Most bits ACL GENPASS makes.
const GENPASS_MAX_BITS: i64 = 4096;

/// ACL GENPASS [bits]: random hex from the system's generator, 256 bits by default.
fn genpass(_ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let bits = match args.rest() {
        [] => 256,
        [bits] => crate::args::parse_i64(bits)?,
        _ => return Err(subcommand_syntax_error(args.argv())),
    };
    if bits <= 0 || bits > GENPASS_MAX_BITS {
        return Err(CommandError::err(format!(
            "ACL GENPASS argument must be the number of bits for the output password, a \
             positive number up to {GENPASS_MAX_BITS}"
        )));
    }
    let chars = (bits as usize).div_ceil(4);
    Ok(Reply::Bulk(Bytes::from(random_hex(chars))))
}

/// `count` random lowercase hex digits from `/dev/urandom`.
fn random_hex(count: usize) -> String {
    let mut bytes = vec![0u8; count.div_ceil(2)];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut file| file.read_exact(&mut bytes));
    if read.is_err() {
        // No system generator: the process's randomly seeded hasher still differs
        // from run to run.
        use std::hash::{BuildHasher as _, RandomState};
        for (at, byte) in bytes.iter_mut().enumerate() {
            *byte = RandomState::new().hash_one(at) as u8;
        }
    }
    let mut text = crate::num::lower_hex(&bytes);
    text.truncate(count);
    text
}

/// ACL LOG [count|RESET]: the newest entries (10 by default), or forgets them all.
fn log(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let count = match args.rest() {
        [] => 10,
        [word] if is_keyword(word, "RESET") => {
            ctx.shared.acl.write().log.clear();
            return Ok(Reply::Ok);
        }
        [count] => crate::args::parse_i64(count)?.max(0) as usize,
        _ => return Err(subcommand_syntax_error(args.argv())),
    };
    let now_ms = ctx.now_ms;
    let acl = ctx.shared.acl.read();
    let field = |name: &'static str| Reply::bulk(name);
    let entries = acl
        .log
        .newest(count)
        .map(|entry| {
            let age = now_ms.saturating_sub(entry.time_ms) as f64 / 1000.0;
            Reply::Map(vec![
                (field("count"), Reply::Int(entry.count as i64)),
                (field("reason"), Reply::bulk(entry.reason.name())),
                (field("context"), Reply::bulk(entry.context.name())),
                (field("object"), Reply::Bulk(entry.object.clone())),
                (field("username"), Reply::Bulk(entry.username.clone())),
                (field("age-seconds"), Reply::Double(age)),
                (
                    field("client-info"),
                    Reply::Bulk(Bytes::from(entry.client_info.clone())),
                ),
            ])
        })
        .collect();
    Ok(Reply::Array(entries))
}

/// ACL DRYRUN user command arg...: whether the user may run the command, as `OK` or
/// a bulk string saying why not.
fn dryrun(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let name = args.required()?;
    let Some(user) = ctx.shared.acl.read().user(name).cloned() else {
        return Err(CommandError::err(format!(
            "User '{}' not found",
            String::from_utf8_lossy(crate::args::c_str(name))
        )));
    };
    let argv = args.rest();
    let table = super::table();
    let id = table.resolve_id(argv).map_err(|_| {
        CommandError::err(format!(
            "Command '{}' not found",
            String::from_utf8_lossy(crate::args::c_str(&argv[0]))
        ))
    })?;
    let spec = table.by_id(id);
    if !spec.arity_ok(argv.len()) {
        return Err(CommandError::WrongArity(spec.name.into()));
    }
    Ok(match dry_run(&user, id, argv) {
        None => Reply::Ok,
        Some(why) => Reply::Bulk(Bytes::from(why)),
    })
}

/// Why `user` may not run `argv` (the command `id`), as ACL DRYRUN says it.
fn dry_run(user: &Arc<User>, id: super::CommandId, argv: &[Bytes]) -> Option<String> {
    use crate::acl::Denied;
    let shown = |at: usize| String::from_utf8_lossy(crate::args::c_str(&argv[at])).into_owned();
    match user.check(id, argv).err()? {
        Denied::Command => Some(format!(
            "This user has no permissions to run the '{}' command",
            super::table().by_id(id).name
        )),
        Denied::Key(at) => Some(format!(
            "This user has no permissions to access the '{}' key",
            shown(at)
        )),
        Denied::Channel(at) => Some(format!(
            "This user has no permissions to access the '{}' channel",
            shown(at)
        )),
    }
}

fn help(_ctx: &mut Ctx<'_>, _args: &mut Args<'_>) -> Result<Reply, CommandError> {
    Ok(super::generic::help_reply(
        "acl",
        &[
            "CAT [<category>]",
            "    List all commands that belong to <category>, or all command categories",
            "    when no category is specified.",
            "DELUSER <username> [<username> ...]",
            "    Delete a list of users.",
            "DRYRUN <username> <command> [<arg> ...]",
            "    Returns whether the user can execute the given command without executing the command.",
            "GETUSER <username>",
            "    Get the user's details.",
            "GENPASS [<bits>]",
            "    Generate a secure 256-bit user password. The optional `bits` argument can",
            "    be used to specify a different size.",
            "LIST",
            "    Show users details in config file format.",
            "LOAD",
            "    Reload users from the ACL file.",
            "LOG [<count> | RESET]",
            "    Show the ACL log entries.",
            "SAVE",
            "    Save the current config to the ACL file.",
            "SETUSER <username> <attribute> [<attribute> ...]",
            "    Create or modify a user with the specified attributes.",
            "USERS",
            "    List all the registered usernames.",
            "WHOAMI",
            "    Return the current connection username.",
        ],
    ))
}

/// The flags of ACL's subcommands that a user may run on itself.
const SELF_SUB: u32 = NOSCRIPT | LOADING | STALE;
/// The flags of ACL's administrative subcommands.
const ADMIN_SUB: u32 = ADMIN | SELF_SUB;

const ACL_SUBCOMMANDS: &[CommandSpec] = &[
    spec!("acl|cat", -2, SELF_SUB, (0, 0, 0), 0, cat),
    spec!("acl|deluser", -3, ADMIN_SUB, (0, 0, 0), 0, deluser),
    spec!("acl|dryrun", -4, ADMIN_SUB, (0, 0, 0), 0, dryrun),
    spec!("acl|genpass", -2, SELF_SUB, (0, 0, 0), 0, genpass),
    spec!("acl|getuser", 3, ADMIN_SUB, (0, 0, 0), 0, getuser),
    spec!("acl|help", 2, LOADING | STALE, (0, 0, 0), 0, help),
    spec!("acl|list", 2, ADMIN_SUB, (0, 0, 0), 0, list),
    spec!("acl|load", 2, ADMIN_SUB, (0, 0, 0), 0, load),
    spec!("acl|log", -2, ADMIN_SUB, (0, 0, 0), 0, log),
    spec!("acl|save", 2, ADMIN_SUB, (0, 0, 0), 0, save),
    spec!("acl|setuser", -3, ADMIN_SUB, (0, 0, 0), 0, setuser),
    spec!("acl|users", 2, ADMIN_SUB, (0, 0, 0), 0, users),
    spec!("acl|whoami", 2, SELF_SUB, (0, 0, 0), 0, whoami),
];

/// The ACL command.
pub static COMMANDS: &[CommandSpec] = &[CommandSpec {
    subcommands: ACL_SUBCOMMANDS,
    ..spec!("acl", -2, 0, (0, 0, 0), 0, container)
}];
