//! Command documentation and key specs, as `COMMAND DOCS` and `COMMAND INFO` report
//! them. The data lives in `docs_data.rs`, one entry per command kvdb implements (facts
//! read off Redis 7.0.15 by `scripts/gen_command_docs.py`); this file holds its types and
//! the replies built from it, field for field in Redis's order.

use std::collections::HashMap;

use super::docs_data::DOCS;
use crate::reply::Reply;

/// One key spec, as Redis declares it: the keys' flags (and notes), where the search for
/// the keys begins, and how the keys are found from there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeySpec {
    pub notes: Option<&'static str>,
    pub flags: &'static [&'static str],
    pub begin_search: BeginSearch,
    pub find_keys: FindKeys,
}

/// Where the search for a key spec's keys begins.
#[derive(Debug, Clone, Copy)]
pub(crate) enum BeginSearch {
    /// At this argument index.
    Index(i64),
    /// Just after the first argument equal to `keyword` (any case), looking from index
    /// `start_from` towards the end (from the end backwards when negative); the last
    /// argument is never taken for the keyword (GEORADIUS's STORE).
    Keyword {
        keyword: &'static str,
        start_from: i64,
    },
    /// Not declarable (the keys come from elsewhere, e.g. SORT's BY and GET patterns).
    Unknown,
}

/// How a key spec's keys are found from where the search began.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FindKeys {
    /// Every `key_step`-th argument up to `last_key` (relative to where the search began;
    /// negative counts from the end); with `last_key` -1, a `limit` above 1 keeps only
    /// the first 1/`limit` of the remaining arguments.
    Range {
        last_key: i64,
        key_step: i64,
        limit: i64,
    },
    /// The argument at `key_num_index` holds the number of keys, which start at
    /// `first_key` and come every `key_step`-th argument (both indexes relative to where
    /// the search began).
    KeyNum {
        key_num_index: i64,
        first_key: i64,
        key_step: i64,
    },
    /// Not declarable.
    Unknown,
}

/// Where a key argument is and how the command accesses it.
pub(crate) type KeyRef = (usize, &'static [&'static str]);

/// Adds to `keys` the key arguments of `argv` (command name first) found by `doc`'s
/// key specs, as Redis's `getKeysUsingKeySpecs` finds them; `None` when a spec cannot
/// say (an unknown or incomplete spec, a bad key count, a range past the arguments),
/// with part of them added.
pub(crate) fn keys_by_specs<A: AsRef<[u8]>>(
    doc: &CommandDoc,
    argv: &[A],
    keys: &mut Vec<KeyRef>,
) -> Option<()> {
    let argc = argv.len() as i64;
    for spec in doc.key_specs {
        if spec.flags.contains(&"not_key") {
            continue;
        }
        let first = match spec.begin_search {
            BeginSearch::Index(first) => first,
            BeginSearch::Keyword {
                keyword,
                start_from,
            } => match keyword_position(argv, keyword, start_from) {
                Some(at) => at + 1,
                // No keyword: the spec has no keys in this call.
                None => continue,
            },
            BeginSearch::Unknown => return None,
        };
        let (first, last, step) = match spec.find_keys {
            FindKeys::Range {
                last_key,
                key_step,
                limit,
            } => {
                let last = if last_key >= 0 {
                    first + last_key
                } else if limit == 0 {
                    argc + last_key
                } else {
                    first + ((argc - first) / limit + last_key)
                };
                (first, last, key_step)
            }
            FindKeys::KeyNum {
                key_num_index,
                first_key,
                key_step,
            } => {
                let count = argv.get(usize::try_from(first + key_num_index).ok()?)?;
                let count = crate::num::parse_i64(count.as_ref()).filter(|n| *n >= 0)?;
                let first = first + first_key;
                (first, first + count - 1, key_step)
            }
            FindKeys::Unknown => return None,
        };
        if last >= argc || last < first || first >= argc {
            return None;
        }
        let mut at = first;
        while at <= last {
            keys.push((at as usize, spec.flags));
            at += step.max(1);
        }
        if spec.flags.contains(&"incomplete") {
            return None;
        }
    }
    Some(())
}

/// Where Redis's keyword search of a key spec finds `keyword` in `argv`: from
/// `start_from` (counted from the end when negative) towards the other end, stopping
/// before the last argument (or before the command name, going backwards).
fn keyword_position<A: AsRef<[u8]>>(argv: &[A], keyword: &str, start_from: i64) -> Option<i64> {
    let argc = argv.len() as i64;
    let (start, end) = if start_from > 0 {
        (start_from, argc - 1)
    } else {
        (argc + start_from, 0)
    };
    let mut at = start;
    while at != end {
        if at >= argc || at < 1 {
            break;
        }
        if crate::args::is_keyword(crate::args::c_str(argv[at as usize].as_ref()), keyword) {
            return Some(at);
        }
        at += if start <= end { 1 } else { -1 };
    }
    None
}

/// True when `doc` declares a key that is a key (Redis's `doesCommandHaveKeys`, for
/// commands without a key-finding function of their own).
pub(crate) fn declares_keys(doc: &CommandDoc) -> bool {
    doc.key_specs
        .iter()
        .any(|spec| !spec.flags.contains(&"not_key"))
}

/// One documented argument (nested for `oneof` and `block`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DocArg {
    pub name: &'static str,
    pub kind: &'static str,
    pub key_spec_index: i64,
    pub token: Option<&'static str>,
    pub summary: Option<&'static str>,
    pub since: Option<&'static str>,
    pub deprecated_since: Option<&'static str>,
    pub flags: &'static [&'static str],
    pub args: &'static [DocArg],
}

/// One command's documentation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CommandDoc {
    pub name: &'static str,
    pub summary: Option<&'static str>,
    pub since: Option<&'static str>,
    pub group: &'static str,
    pub complexity: Option<&'static str>,
    pub doc_flags: &'static [&'static str],
    pub deprecated_since: Option<&'static str>,
    pub replaced_by: Option<&'static str>,
    pub history: Option<&'static [(&'static str, &'static str)]>,
    pub tips: &'static [&'static str],
    pub key_specs: &'static [KeySpec],
    pub args: Option<&'static [DocArg]>,
}

/// `CLIENT SETINFO` is Redis 7.2's; its documentation is 7.2's.
static CLIENT_SETINFO: CommandDoc = CommandDoc {
    name: "client|setinfo",
    summary: Some("Set client or connection specific info"),
    since: Some("7.2.0"),
    group: "connection",
    complexity: Some("O(1)"),
    doc_flags: &[],
    deprecated_since: None,
    replaced_by: None,
    history: None,
    tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
    key_specs: &[],
    args: Some(&[DocArg {
        name: "attr",
        kind: "oneof",
        key_spec_index: -1,
        token: None,
        summary: None,
        since: None,
        deprecated_since: None,
        flags: &[],
        args: &[
            DocArg {
                name: "libname",
                kind: "string",
                key_spec_index: -1,
                token: Some("LIB-NAME"),
                summary: None,
                since: None,
                deprecated_since: None,
                flags: &[],
                args: &[],
            },
            DocArg {
                name: "libver",
                kind: "string",
                key_spec_index: -1,
                token: Some("LIB-VER"),
                summary: None,
                since: None,
                deprecated_since: None,
                flags: &[],
                args: &[],
            },
        ],
    }]),
};

/// The documentation of the command with this full name. Indexed once: ACL checks
/// look commands' key specs up on every command of a user with key patterns.
pub(crate) fn doc(name: &str) -> Option<&'static CommandDoc> {
    static INDEX: std::sync::OnceLock<HashMap<&'static str, &'static CommandDoc>> =
        std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index: HashMap<_, _> = DOCS.iter().map(|doc| (doc.name, doc)).collect();
        index.insert(CLIENT_SETINFO.name, &CLIENT_SETINFO);
        index
    });
    index.get(name).copied()
}

fn bulk(text: &'static str) -> Reply {
    Reply::bulk(text)
}

fn statuses(names: &[&'static str]) -> Reply {
    Reply::Set(names.iter().map(|name| Reply::status(name)).collect())
}

/// The key specs of a command, as `COMMAND INFO` lists them.
pub(crate) fn key_specs_reply(doc: &CommandDoc) -> Reply {
    Reply::Set(doc.key_specs.iter().map(key_spec_reply).collect())
}

fn key_spec_reply(spec: &KeySpec) -> Reply {
    let mut fields = Vec::with_capacity(4);
    if let Some(notes) = spec.notes {
        fields.push((bulk("notes"), bulk(notes)));
    }
    fields.push((bulk("flags"), statuses(spec.flags)));
    let (kind, details) = match spec.begin_search {
        BeginSearch::Index(index) => ("index", vec![(bulk("index"), Reply::Int(index))]),
        BeginSearch::Keyword {
            keyword,
            start_from,
        } => (
            "keyword",
            vec![
                (bulk("keyword"), bulk(keyword)),
                (bulk("startfrom"), Reply::Int(start_from)),
            ],
        ),
        BeginSearch::Unknown => ("unknown", Vec::new()),
    };
    fields.push((bulk("begin_search"), typed_spec(kind, details)));
    let (kind, details) = match spec.find_keys {
        FindKeys::Range {
            last_key,
            key_step,
            limit,
        } => (
            "range",
            vec![
                (bulk("lastkey"), Reply::Int(last_key)),
                (bulk("keystep"), Reply::Int(key_step)),
                (bulk("limit"), Reply::Int(limit)),
            ],
        ),
        FindKeys::KeyNum {
            key_num_index,
            first_key,
            key_step,
        } => (
            "keynum",
            vec![
                (bulk("keynumidx"), Reply::Int(key_num_index)),
                (bulk("firstkey"), Reply::Int(first_key)),
                (bulk("keystep"), Reply::Int(key_step)),
            ],
        ),
        FindKeys::Unknown => ("unknown", Vec::new()),
    };
    fields.push((bulk("find_keys"), typed_spec(kind, details)));
    Reply::Map(fields)
}

/// A `begin_search` or `find_keys` entry: its type, then its spec's fields.
fn typed_spec(kind: &'static str, details: Vec<(Reply, Reply)>) -> Reply {
    Reply::Map(vec![
        (bulk("type"), bulk(kind)),
        (bulk("spec"), Reply::Map(details)),
    ])
}

/// The tips of a command, as `COMMAND INFO` lists them.
pub(crate) fn tips_reply(doc: &CommandDoc) -> Reply {
    Reply::Set(doc.tips.iter().map(|tip| bulk(tip)).collect())
}

fn args_reply(args: &[DocArg]) -> Reply {
    Reply::Array(
        args.iter()
            .map(|arg| {
                let mut fields = vec![
                    (bulk("name"), bulk(arg.name)),
                    (bulk("type"), bulk(arg.kind)),
                ];
                if arg.key_spec_index != -1 {
                    fields.push((bulk("key_spec_index"), Reply::Int(arg.key_spec_index)));
                }
                for (label, value) in [
                    ("token", arg.token),
                    ("summary", arg.summary),
                    ("since", arg.since),
                    ("deprecated_since", arg.deprecated_since),
                ] {
                    if let Some(value) = value {
                        fields.push((bulk(label), bulk(value)));
                    }
                }
                if !arg.flags.is_empty() {
                    fields.push((bulk("flags"), statuses(arg.flags)));
                }
                if matches!(arg.kind, "oneof" | "block") {
                    fields.push((bulk("arguments"), args_reply(arg.args)));
                }
                Reply::Map(fields)
            })
            .collect(),
    )
}

/// One command's `COMMAND DOCS` entry; `subcommands` are the container's own.
pub(crate) fn docs_reply(doc: &CommandDoc, subcommands: Option<Vec<(Reply, Reply)>>) -> Reply {
    let mut fields = Vec::with_capacity(10);
    if let Some(summary) = doc.summary {
        fields.push((bulk("summary"), bulk(summary)));
    }
    if let Some(since) = doc.since {
        fields.push((bulk("since"), bulk(since)));
    }
    fields.push((bulk("group"), bulk(doc.group)));
    if let Some(complexity) = doc.complexity {
        fields.push((bulk("complexity"), bulk(complexity)));
    }
    if !doc.doc_flags.is_empty() {
        fields.push((bulk("doc_flags"), statuses(doc.doc_flags)));
    }
    if let Some(since) = doc.deprecated_since {
        fields.push((bulk("deprecated_since"), bulk(since)));
    }
    if let Some(replacement) = doc.replaced_by {
        fields.push((bulk("replaced_by"), bulk(replacement)));
    }
    if let Some(history) = doc.history {
        fields.push((
            bulk("history"),
            Reply::Set(
                history
                    .iter()
                    .map(|(since, change)| Reply::Array(vec![bulk(since), bulk(change)]))
                    .collect(),
            ),
        ));
    }
    if let Some(args) = doc.args {
        fields.push((bulk("arguments"), args_reply(args)));
    }
    if let Some(subcommands) = subcommands {
        fields.push((bulk("subcommands"), Reply::Map(subcommands)));
    }
    Reply::Map(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::Protocol;
    use bytes::BytesMut;

    /// A command's `COMMAND INFO` key specs, encoded.
    fn encoded(key_specs: &'static [KeySpec], protocol: Protocol) -> Vec<u8> {
        let doc = CommandDoc {
            key_specs,
            ..CLIENT_SETINFO
        };
        let mut out = BytesMut::new();
        key_specs_reply(&doc).encode(protocol, &mut out);
        out.to_vec()
    }

    // The expected bytes are redis-server 7.0.15's: the key specs element of its
    // `COMMAND INFO` reply for the command named, in RESP2 and after `HELLO 3`.

    #[test]
    fn keynum_spec_renders_like_redis() {
        static ZMPOP: &[KeySpec] = &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin_search: BeginSearch::Index(1),
            find_keys: FindKeys::KeyNum {
                key_num_index: 0,
                first_key: 1,
                key_step: 1,
            },
        }];
        assert_eq!(
            encoded(ZMPOP, Protocol::Resp2),
            b"*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\n\
              begin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n\
              *2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n\
              $6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\n\
              firstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n"
        );
        assert_eq!(
            encoded(ZMPOP, Protocol::Resp3),
            b"~1\r\n%3\r\n$5\r\nflags\r\n~3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\n\
              begin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n\
              %1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n\
              $6\r\nkeynum\r\n$4\r\nspec\r\n%3\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\n\
              firstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n"
        );
    }

    #[test]
    fn unknown_spec_with_notes_renders_like_redis() {
        static SORT_RO: &[KeySpec] = &[
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin_search: BeginSearch::Index(1),
                find_keys: FindKeys::Range {
                    last_key: 0,
                    key_step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: Some(
                    "For the optional BY/GET keyword. It is marked 'unknown' because the key \
                     names derive from the content of the key we sort",
                ),
                flags: &["RO", "access"],
                begin_search: BeginSearch::Unknown,
                find_keys: FindKeys::Unknown,
            },
        ];
        assert_eq!(
            encoded(SORT_RO, Protocol::Resp2),
            b"*2\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\n\
              begin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n\
              *2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n\
              $5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\n\
              keystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*8\r\n$5\r\nnotes\r\n$120\r\n\
              For the optional BY/GET keyword. It is marked 'unknown' because the key \
              names derive from the content of the key we sort\r\n\
              $5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n\
              $4\r\ntype\r\n$7\r\nunknown\r\n$4\r\nspec\r\n*0\r\n$9\r\nfind_keys\r\n\
              *4\r\n$4\r\ntype\r\n$7\r\nunknown\r\n$4\r\nspec\r\n*0\r\n"
        );
        assert_eq!(
            encoded(SORT_RO, Protocol::Resp3),
            b"~2\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\n\
              begin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n\
              %1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n\
              $5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\n\
              keystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n%4\r\n$5\r\nnotes\r\n$120\r\n\
              For the optional BY/GET keyword. It is marked 'unknown' because the key \
              names derive from the content of the key we sort\r\n\
              $5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n\
              $4\r\ntype\r\n$7\r\nunknown\r\n$4\r\nspec\r\n%0\r\n$9\r\nfind_keys\r\n\
              %2\r\n$4\r\ntype\r\n$7\r\nunknown\r\n$4\r\nspec\r\n%0\r\n"
        );
    }

    /// Commands whose Redis key specs count their keys (`keynum`), which [`KeySpec`]
    /// cannot express yet: documented once it can.
    #[test]
    fn every_command_in_the_table_is_documented() {
        for spec in &super::super::table().all {
            for candidate in std::iter::once(*spec).chain(spec.subcommands.iter()) {
                assert!(
                    doc(candidate.name).is_some(),
                    "{} has no docs",
                    candidate.name
                );
            }
        }
    }
}
