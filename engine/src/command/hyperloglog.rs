//! The HyperLogLog family: PFADD, PFCOUNT, PFMERGE, and PFDEBUG and PFSELFTEST for
//! tests. The values are strings in Redis's own HyperLogLog layout
//! ([`crate::hyperloglog`]); PFCOUNT of one key writes its cached cardinality into
//! the string, as Redis does.

use super::flags::*;
use super::{acl, spec, string_mut, CommandSpec, Ctx};
use crate::args::Args;
use crate::error::{CommandError, CORRUPT_HLL, NOT_HLL};
use crate::hyperloglog::{self as hll, Corrupt};
use crate::keyspace::Entry;
use crate::notify;
use crate::reply::Reply;
use crate::types::{StrEncoding, StrValue, Value};

fn corrupt(_: Corrupt) -> CommandError {
    CommandError::Other(CORRUPT_HLL.into())
}

/// The HyperLogLog string of `entry`: `WRONGTYPE` for another type, Redis's own
/// `WRONGTYPE` text for a string that is not a HyperLogLog.
fn hll_string(entry: &mut Entry) -> Result<&mut StrValue, CommandError> {
    let string = string_mut(entry)?;
    if !hll::is_valid(string.as_bytes()) {
        return Err(CommandError::Other(NOT_HLL.into()));
    }
    Ok(string)
}

/// Runs `edit` on the bytes of `string`, which stays `raw` as Redis's in-place edits
/// leave it.
fn edit<R>(string: &mut StrValue, edit: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    let mut bytes = std::mem::take(string).into_vec();
    let result = edit(&mut bytes);
    *string = StrValue::owned(bytes, StrEncoding::Raw);
    result
}

/// The HyperLogLog under `key` for writing, created empty (a `new` event) if missing.
fn hll_for_write<'c>(
    ctx: &'c mut Ctx<'_>,
    key: &[u8],
) -> Result<(&'c mut StrValue, bool), CommandError> {
    let created = ctx.write(key).is_none();
    if created {
        let empty = StrValue::owned(hll::new_sparse(), StrEncoding::Raw);
        ctx.store(key, Value::Str(empty), None);
    }
    let entry = ctx.write(key).expect("the key is there");
    Ok((hll_string(entry)?, created))
}

fn pfadd(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let elements = args.rest();
    let max_bytes = ctx.config().hll_sparse_max_bytes();
    let (string, created) = hll_for_write(ctx, &key)?;
    let added = edit(string, |bytes| {
        let mut changed = created;
        for element in elements {
            changed |= hll::add(bytes, element, max_bytes)?;
        }
        if changed {
            hll::invalidate_cache(bytes);
        }
        Ok(changed)
    });
    let changed = added.map_err(corrupt)?;
    if changed {
        ctx.signal_modified_key(&key);
        ctx.notify(notify::STRING, "pfadd", &key);
    }
    Ok(Reply::Int(i64::from(changed)))
}

fn pfcount(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let keys = args.rest();
    if let [key] = keys {
        let Some(entry) = ctx.read(key) else {
            return Ok(Reply::Int(0));
        };
        let string = hll_string(entry)?;
        if let Some(count) = hll::cached_cardinality(string.as_bytes()) {
            return Ok(Reply::Int(count as i64));
        }
        let count = edit(string, |bytes| hll::cache_cardinality(bytes)).map_err(corrupt)?;
        // Writing the cache changed the string.
        ctx.signal_modified_key(key);
        return Ok(Reply::Int(count as i64));
    }
    // Several keys: the cardinality of their union, cached nowhere.
    let mut max = vec![0u8; hll::REGISTERS];
    for key in keys {
        if let Some(entry) = ctx.read(key) {
            let string = hll_string(entry)?;
            hll::merge_into(&mut max, string.as_bytes()).map_err(corrupt)?;
        }
    }
    Ok(Reply::Int(hll::estimate(&max) as i64))
}

fn pfmerge(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let keys = args.rest();
    let dest = &keys[0];
    let max_bytes = ctx.config().hll_sparse_max_bytes();
    // The destination is one of the sources; a dense source makes it dense.
    let mut max = vec![0u8; hll::REGISTERS];
    let mut dense = false;
    for key in keys {
        if let Some(entry) = ctx.read(key) {
            let string = hll_string(entry)?;
            dense |= hll::is_dense(string.as_bytes());
            hll::merge_into(&mut max, string.as_bytes()).map_err(corrupt)?;
        }
    }
    let (string, _) = hll_for_write(ctx, dest)?;
    edit(string, |bytes| {
        if dense {
            hll::sparse_to_dense(bytes)?;
        }
        for (index, &value) in max.iter().enumerate() {
            if value > 0 {
                hll::raise(bytes, index, value, max_bytes)?;
            }
        }
        hll::invalidate_cache(bytes);
        Ok(())
    })
    .map_err(corrupt)?;
    ctx.signal_modified_key(dest);
    // Redis announces a merge as a mass PFADD.
    ctx.notify(notify::STRING, "pfadd", dest);
    Ok(Reply::Ok)
}

/// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key.
fn pfdebug(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let subcommand = args.required()?;
    let key = args.key()?;
    let Some(entry) = ctx.write(&key) else {
        return Err(CommandError::err("The specified key does not exist"));
    };
    let string = hll_string(entry)?;
    match subcommand.to_ascii_lowercase().as_slice() {
        b"getreg" => {
            let converted = !hll::is_dense(string.as_bytes());
            edit(string, hll::sparse_to_dense).map_err(corrupt)?;
            let registers = hll::registers(string.as_bytes()).map_err(corrupt)?;
            let reply = Reply::Array(
                registers
                    .iter()
                    .map(|&r| Reply::Int(i64::from(r)))
                    .collect(),
            );
            if converted {
                // A change of encoding propagates, as Redis forces it to.
                ctx.keyspace.persistence.dirty += 1;
            }
            Ok(reply)
        }
        b"decode" if hll::is_dense(string.as_bytes()) => {
            Err(CommandError::err("HLL encoding is not sparse"))
        }
        b"decode" => Ok(Reply::bulk(hll::decode_sparse(string.as_bytes()))),
        b"encoding" => Ok(Reply::status(if hll::is_dense(string.as_bytes()) {
            "dense"
        } else {
            "sparse"
        })),
        b"todense" => {
            let converted = !hll::is_dense(string.as_bytes());
            edit(string, hll::sparse_to_dense).map_err(corrupt)?;
            if converted {
                ctx.keyspace.persistence.dirty += 1;
            }
            Ok(Reply::Int(i64::from(converted)))
        }
        _ => Err(CommandError::err(format!(
            "Unknown PFDEBUG subcommand '{}'",
            String::from_utf8_lossy(subcommand)
        ))),
    }
}

/// PFSELFTEST: Redis's checks of the register packing and of the estimate's error.
fn pfselftest(ctx: &mut Ctx<'_>, _: &mut Args<'_>) -> Result<Reply, CommandError> {
    let max_bytes = ctx.config().hll_sparse_max_bytes();
    let (_, _, rng) = ctx.db();
    hll::self_test(|| rng.next_u64(), max_bytes).map_err(CommandError::err)?;
    Ok(Reply::Ok)
}

/// The HyperLogLog commands.
pub const COMMANDS: &[CommandSpec] = &[
    spec!(
        "pfadd",
        -2,
        WRITE | DENYOOM | FAST,
        (1, 1, 1),
        acl::HYPERLOGLOG,
        pfadd
    ),
    spec!(
        "pfcount",
        -2,
        READONLY | MAY_REPLICATE,
        (1, -1, 1),
        acl::HYPERLOGLOG,
        pfcount
    ),
    spec!(
        "pfmerge",
        -2,
        WRITE | DENYOOM,
        (1, -1, 1),
        acl::HYPERLOGLOG,
        pfmerge
    ),
    spec!(
        "pfdebug",
        3,
        WRITE | DENYOOM | ADMIN,
        (2, 2, 1),
        acl::HYPERLOGLOG,
        pfdebug
    ),
    spec!(
        "pfselftest",
        1,
        ADMIN,
        (0, 0, 0),
        acl::HYPERLOGLOG,
        pfselftest
    ),
];
