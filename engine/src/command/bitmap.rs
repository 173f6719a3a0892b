//! The bitmap family: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO.
//!
//! The bit arithmetic lives in [`crate::bitmap`]; this file is argument parsing in
//! Redis's order (which decides which error wins) and storage. Rules as in Redis 7.0:
//! a missing key reads as an endless run of zero bits; writes grow the string with zero
//! bytes and leave a `raw` string; BITCOUNT parses its range only when the key exists;
//! BITOP with an all-empty result deletes the destination.

use bytes::Bytes;

use super::flags::*;
use super::string::edit_string_counting;
use super::{acl, spec, string_of, CommandSpec, Ctx};
use crate::args::{is_keyword, Args};
use crate::bitmap::{self, BitOp, BitfieldType, Overflow, RangeUnit};
use crate::error::CommandError;
use crate::notify;
use crate::reply::Reply;
use crate::types::Value;

/// Parses a GETBIT/SETBIT/BITFIELD offset (`#n` form only for BITFIELD).
fn offset(ctx: &Ctx<'_>, arg: &[u8], hash_bits: Option<u8>) -> Result<u64, CommandError> {
    bitmap::parse_offset(arg, hash_bits, ctx.config().proto_max_bulk_len())
        .ok_or(CommandError::BitOffset)
}

/// Runs `edit` on the string under `key` grown with zero bytes to at least `len` bytes,
/// as Redis's `lookupStringForBitCommand` does (WRONGTYPE for another type). `edit`
/// is told whether the string is "dirty" already: created or grown, which Redis counts
/// as a change whatever the bits written, and answers its result and the number of
/// changes it made (see [`edit_string_counting`]).
fn edit_bits<R>(
    ctx: &mut Ctx<'_>,
    key: &Bytes,
    len: u64,
    edit: impl FnOnce(&mut Vec<u8>, bool) -> (R, u64),
) -> Result<R, CommandError> {
    let existed = match ctx.write(key) {
        Some(entry) => {
            string_of(entry)?;
            true
        }
        None => false,
    };
    let len = usize::try_from(len).map_err(|_| CommandError::StringTooLong)?;
    edit_string_counting(ctx, key, |bytes| {
        let grown = bytes.len() < len;
        if grown {
            bytes.resize(len, 0);
        }
        edit(bytes, grown || !existed)
    })
}

fn setbit(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let offset = offset(ctx, args.required()?, None)?;
    let on = match crate::num::parse_i64(args.required()?) {
        Some(0) => false,
        Some(1) => true,
        _ => return Err(CommandError::BitValue),
    };
    let (old, changed) = edit_bits(ctx, &key, (offset >> 3) + 1, |bytes, dirty| {
        let old = bitmap::set_bit(bytes, offset, on);
        let changed = dirty || old != on;
        ((old, changed), u64::from(changed))
    })?;
    if changed {
        ctx.notify(notify::STRING, "setbit", &key);
    }
    Ok(Reply::Int(i64::from(old)))
}

fn getbit(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let offset = offset(ctx, args.required()?, None)?;
    let bit = match ctx.read_string(&key)? {
        None => false,
        Some(bytes) => bitmap::get_bit(&bytes, offset),
    };
    Ok(Reply::Int(i64::from(bit)))
}

fn unit(arg: &[u8]) -> Result<RangeUnit, CommandError> {
    RangeUnit::parse(arg).ok_or(CommandError::Syntax)
}

fn bitcount(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let Some(bytes) = ctx.read_string(&key)? else {
        return Ok(Reply::Int(0));
    };
    let count = match args.remaining() {
        0 => bitmap::bit_count(&bytes),
        2 | 3 => {
            let start = args.i64()?;
            let end = args.i64()?;
            if start < 0 && end < 0 && start > end {
                return Ok(Reply::Int(0));
            }
            let unit = match args.try_next() {
                Some(arg) => unit(arg)?,
                None => RangeUnit::Byte,
            };
            bitmap::bit_count_range(&bytes, start, end, unit)
        }
        _ => return Err(CommandError::Syntax),
    };
    Ok(Reply::Int(count as i64))
}

fn bitpos(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let bit = match args.i64()? {
        0 => false,
        1 => true,
        _ => return Err(CommandError::err("The bit argument must be 1 or 0.")),
    };
    let Some(bytes) = ctx.read_string(&key)? else {
        return Ok(Reply::Int(if bit { -1 } else { 0 }));
    };
    let position = match args.remaining() {
        // An existing empty string is an empty range: neither bit is in it.
        0 if bytes.is_empty() => -1,
        0 => match bitmap::bit_pos(&bytes, bit) {
            Some(position) => position as i64,
            None => -1,
        },
        1..=3 => {
            let start = args.i64()?;
            let (end, unit) = match args.remaining() {
                0 => (None, RangeUnit::Byte),
                1 => (Some(args.i64()?), RangeUnit::Byte),
                _ => {
                    let end = args.i64()?;
                    (Some(end), unit(args.required()?)?)
                }
            };
            bitmap::bit_pos_range(&bytes, bit, start, end, unit)
        }
        _ => return Err(CommandError::Syntax),
    };
    Ok(Reply::Int(position))
}

fn bitop(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    let op = BitOp::parse(args.required()?).ok_or(CommandError::Syntax)?;
    let destination = args.key()?;
    let keys = args.rest();
    if op == BitOp::Not && keys.len() != 1 {
        return Err(CommandError::err(
            "BITOP NOT must be called with a single source key.",
        ));
    }
    let mut sources = Vec::with_capacity(keys.len());
    for key in keys {
        sources.push(ctx.read_string(key)?.unwrap_or_default());
    }
    let slices: Vec<&[u8]> = sources.iter().map(|s| s.as_ref()).collect();
    let result = bitmap::bit_op(op, &slices);
    let len = result.len();
    if len > 0 {
        ctx.store(&destination, Value::raw_string(result), None);
        ctx.notify(notify::STRING, "set", &destination);
    } else {
        ctx.delete_stored(&destination);
    }
    Ok(Reply::Int(len as i64))
}

/// One BITFIELD operation, parsed.
#[derive(Debug, Clone, Copy)]
enum FieldOp {
    Get(BitfieldType, u64),
    Set(BitfieldType, u64, i64, Overflow),
    IncrBy(BitfieldType, u64, i64, Overflow),
}

fn bitfield_type(arg: &[u8]) -> Result<BitfieldType, CommandError> {
    BitfieldType::parse(arg).ok_or_else(|| {
        CommandError::err(
            "Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.",
        )
    })
}

/// Parses every operation first, as Redis does, so a bad one anywhere runs none.
fn parse_bitfield(ctx: &Ctx<'_>, args: &mut Args<'_>) -> Result<Vec<FieldOp>, CommandError> {
    let mut ops = Vec::new();
    let mut overflow = Overflow::Wrap;
    while let Some(word) = args.try_next() {
        let needs = if is_keyword(word, "GET") {
            2
        } else if is_keyword(word, "SET") || is_keyword(word, "INCRBY") {
            3
        } else if is_keyword(word, "OVERFLOW") && !args.is_empty() {
            overflow = Overflow::parse(args.required()?)
                .ok_or_else(|| CommandError::err("Invalid OVERFLOW type specified"))?;
            continue;
        } else {
            return Err(CommandError::Syntax);
        };
        if args.remaining() < needs {
            return Err(CommandError::Syntax);
        }
        let ty = bitfield_type(args.required()?)?;
        let at = offset(ctx, args.required()?, Some(ty.bits))?;
        ops.push(if needs == 2 {
            FieldOp::Get(ty, at)
        } else {
            let value = args.i64()?;
            if is_keyword(word, "SET") {
                FieldOp::Set(ty, at, value, overflow)
            } else {
                FieldOp::IncrBy(ty, at, value, overflow)
            }
        });
    }
    Ok(ops)
}

fn bitfield_generic(
    ctx: &mut Ctx<'_>,
    args: &mut Args<'_>,
    read_only: bool,
) -> Result<Reply, CommandError> {
    let key = args.key()?;
    let ops = parse_bitfield(ctx, args)?;
    let highest_write = ops
        .iter()
        .filter_map(|op| match op {
            FieldOp::Get(..) => None,
            FieldOp::Set(ty, at, ..) | FieldOp::IncrBy(ty, at, ..) => {
                Some(bitmap::required_len(*at, ty.bits))
            }
        })
        .max();
    let Some(highest_write) = highest_write else {
        let bytes = ctx.read_string(&key)?.unwrap_or_default();
        return Ok(Reply::Array(
            ops.iter()
                .map(|op| match op {
                    FieldOp::Get(ty, at) => Reply::Int(bitmap::get(&bytes, *at, *ty)),
                    _ => Reply::Nil,
                })
                .collect(),
        ));
    };
    if read_only {
        return Err(CommandError::err(
            "BITFIELD_RO only supports the GET subcommand",
        ));
    }
    let (replies, changes) = edit_bits(ctx, &key, highest_write, |bytes, dirty| {
        let mut replies = Vec::with_capacity(ops.len());
        let mut changes = 0;
        for op in ops {
            let written = match op {
                FieldOp::Get(ty, at) => {
                    replies.push(Reply::Int(bitmap::get(bytes, at, ty)));
                    continue;
                }
                FieldOp::Set(ty, at, value, overflow) => {
                    bitmap::set(bytes, at, ty, value, overflow)
                }
                FieldOp::IncrBy(ty, at, value, overflow) => {
                    bitmap::incr_by(bytes, at, ty, value, overflow)
                }
            };
            if written.is_some_and(|write| dirty || write.changed) {
                changes += 1;
            }
            replies.push(written.map_or(Reply::Nil, |write| Reply::Int(write.reply)));
        }
        ((replies, changes), changes)
    })?;
    if changes > 0 {
        ctx.reply_point();
        ctx.notify(notify::STRING, "setbit", &key);
    }
    Ok(Reply::Array(replies))
}

fn bitfield(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    bitfield_generic(ctx, args, false)
}

fn bitfield_ro(ctx: &mut Ctx<'_>, args: &mut Args<'_>) -> Result<Reply, CommandError> {
    bitfield_generic(ctx, args, true)
}

/// The bitmap family's commands.
pub static COMMANDS: &[CommandSpec] = &[
    spec!("setbit", 4, WRITE | DENYOOM, (1, 1, 1), acl::BITMAP, setbit),
    spec!("getbit", 3, READONLY | FAST, (1, 1, 1), acl::BITMAP, getbit),
    spec!("bitcount", -2, READONLY, (1, 1, 1), acl::BITMAP, bitcount),
    spec!("bitpos", -3, READONLY, (1, 1, 1), acl::BITMAP, bitpos),
    spec!("bitop", -4, WRITE | DENYOOM, (2, -1, 1), acl::BITMAP, bitop),
    spec!(
        "bitfield",
        -2,
        WRITE | DENYOOM,
        (1, 1, 1),
        acl::BITMAP,
        bitfield
    ),
    spec!(
        "bitfield_ro",
        -2,
        READONLY | FAST,
        (1, 1, 1),
        acl::BITMAP,
        bitfield_ro
    ),
];
