//! Keyspace notifications: the event classes of `notify-keyspace-events` and the two
//! channels an event is published on.
//!
//! As in Redis 7.0, an event of a class that is not enabled costs one test of a bit
//! mask. An enabled event is published through the ordinary pub/sub registry, first on
//! `__keyspace@<db>__:<key>` with the event name as message (class `K`), then on
//! `__keyevent@<db>__:<event>` with the key as message (class `E`). `A` stands for
//! every class but `m` (key misses) and `n` (new keys), and enables neither channel.

use crate::pubsub::PubSub;

/// `K`: publish on `__keyspace@<db>__:<key>`.
pub const KEYSPACE: u32 = 1 << 0;
/// `E`: publish on `__keyevent@<db>__:<event>`.
pub const KEYEVENT: u32 = 1 << 1;
/// `g`: generic commands (DEL, EXPIRE, RENAME, ...).
pub const GENERIC: u32 = 1 << 2;
/// `$`: string commands.
pub const STRING: u32 = 1 << 3;
/// `l`: list commands.
pub const LIST: u32 = 1 << 4;
/// `s`: set commands.
pub const SET: u32 = 1 << 5;
/// `h`: hash commands.
pub const HASH: u32 = 1 << 6;
/// `z`: sorted set commands.
pub const ZSET: u32 = 1 << 7;
/// `x`: a key expired (lazily or actively).
pub const EXPIRED: u32 = 1 << 8;
/// `e`: a key was evicted for `maxmemory`.
pub const EVICTED: u32 = 1 << 9;
/// `t`: stream commands.
pub const STREAM: u32 = 1 << 10;
/// `m`: a read command missed a key.
pub const KEY_MISS: u32 = 1 << 11;
/// `d`: module key types.
pub const MODULE: u32 = 1 << 13;
/// `n`: a key was created.
pub const NEW: u32 = 1 << 14;
/// `A`: every class except key misses and new keys.
pub const ALL: u32 =
    GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

/// The classes `letters` enable (the letters of `notify-keyspace-events`, in any
/// order and repeated at will); `None` when a letter names no class.
pub fn classes_from_letters(letters: &str) -> Option<u32> {
    letters.chars().try_fold(0, |classes, letter| {
        let class = match letter {
            'A' => ALL,
            'g' => GENERIC,
            '$' => STRING,
            'l' => LIST,
            's' => SET,
            'h' => HASH,
            'z' => ZSET,
            'x' => EXPIRED,
            'e' => EVICTED,
            'K' => KEYSPACE,
            'E' => KEYEVENT,
            't' => STREAM,
            'm' => KEY_MISS,
            'd' => MODULE,
            'n' => NEW,
            _ => return None,
        };
        Some(classes | class)
    })
}

/// Publishes `event` on `key` of database `db` on the channels `classes` enables:
/// keyspace first, then keyevent. The caller has checked that the event's class is
/// enabled.
#[cold]
#[inline(never)]
pub fn publish(pubsub: &PubSub, classes: u32, db: usize, event: &str, key: &[u8], now_ms: u64) {
    let db = db.to_string();
    if classes & KEYSPACE != 0 {
        let mut channel = Vec::with_capacity(16 + db.len() + key.len());
        channel.extend_from_slice(b"__keyspace@");
        channel.extend_from_slice(db.as_bytes());
        channel.extend_from_slice(b"__:");
        channel.extend_from_slice(key);
        pubsub.publish(&channel, event.as_bytes(), false, now_ms);
    }
    if classes & KEYEVENT != 0 {
        let mut channel = Vec::with_capacity(16 + db.len() + event.len());
        channel.extend_from_slice(b"__keyevent@");
        channel.extend_from_slice(db.as_bytes());
        channel.extend_from_slice(b"__:");
        channel.extend_from_slice(event.as_bytes());
        pubsub.publish(&channel, key, false, now_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pubsub::Kind;
    use crate::reply::Reply;
    use bytes::Bytes;

    fn drained(pubsub: &mut PubSub) -> Vec<Reply> {
        let mail = pubsub.mailbox(1).drain();
        mail.into_iter()
            .map(crate::pubsub::Mail::into_reply)
            .collect()
    }

    #[test]
    fn every_letter_names_its_class() {
        let pairs = [
            ("K", KEYSPACE),
            ("E", KEYEVENT),
            ("g", GENERIC),
            ("$", STRING),
            ("l", LIST),
            ("s", SET),
            ("h", HASH),
            ("z", ZSET),
            ("x", EXPIRED),
            ("e", EVICTED),
            ("t", STREAM),
            ("m", KEY_MISS),
            ("d", MODULE),
            ("n", NEW),
        ];
        for (letter, class) in pairs {
            assert_eq!(classes_from_letters(letter), Some(class), "{letter}");
        }
        let all: u32 = pairs.iter().map(|(_, class)| class).sum();
        assert_eq!(all.count_ones(), 14, "the classes are distinct bits");
    }

    #[test]
    fn a_is_every_class_but_key_misses_and_new_keys_and_no_channel() {
        let all = classes_from_letters("A").unwrap();
        assert_eq!(all, ALL);
        for class in [KEY_MISS, NEW, KEYSPACE, KEYEVENT] {
            assert_eq!(all & class, 0);
        }
        assert_eq!(
            classes_from_letters("g$lshzxetd"),
            Some(ALL),
            "A is exactly these letters"
        );
    }

    #[test]
    fn letters_combine_in_any_order_and_may_repeat() {
        assert_eq!(classes_from_letters("KEA"), Some(KEYSPACE | KEYEVENT | ALL));
        assert_eq!(classes_from_letters("AnKmA"), classes_from_letters("KAmn"));
        assert_eq!(classes_from_letters("ll"), Some(LIST));
        assert_eq!(classes_from_letters(""), Some(0));
    }

    #[test]
    fn an_unknown_letter_is_refused() {
        for letters in ["Q", "KEq", "a", "K E", "é"] {
            assert_eq!(classes_from_letters(letters), None, "{letters}");
        }
    }

    #[test]
    fn an_event_goes_to_the_keyspace_channel_then_the_keyevent_channel() {
        let mut pubsub = PubSub::default();
        pubsub.subscribe(1, Kind::Pattern, &Bytes::from_static(b"__key*__:*"));
        publish(&pubsub, KEYSPACE | KEYEVENT, 3, "lpush", b"mylist", 0);
        let bulk = |text: &'static str| Reply::Bulk(Bytes::from_static(text.as_bytes()));
        let pmessage = |channel: &'static str, message: &'static str| {
            Reply::Push(vec![
                bulk("pmessage"),
                bulk("__key*__:*"),
                bulk(channel),
                bulk(message),
            ])
        };
        assert_eq!(
            drained(&mut pubsub),
            vec![
                pmessage("__keyspace@3__:mylist", "lpush"),
                pmessage("__keyevent@3__:lpush", "mylist"),
            ]
        );
        publish(&pubsub, KEYEVENT, 0, "del", b"k", 0);
        assert_eq!(
            drained(&mut pubsub),
            vec![pmessage("__keyevent@0__:del", "k")]
        );
    }
}
