//! A user written back as rules, as Redis's `ACLDescribeUser` writes it (ACL LIST,
//! ACL SAVE, CONFIG REWRITE) and as ACL GETUSER shows each selector.
//!
//! Command permissions are a bitmap; Redis finds a short list of rules that rebuilds
//! it: `+@all` or `-@all` first (depending on whether future commands are allowed),
//! then greedily the category that fixes the most bits for the fewest wrong ones, then
//! single commands for what is left, then allowed first arguments. The same search
//! runs here on the same command table, so the rules come out the same.

use super::{category_members, future_bit, KeyPattern, Selector, User, KEY_ALL, KEY_READ};
use crate::command;

impl KeyPattern {
    fn describe(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(match self.flags {
            KEY_ALL => b"~",
            KEY_READ => b"%R~",
            _ => b"%W~",
        });
        out.extend_from_slice(&self.pattern);
    }
}

impl Selector {
    /// How many commands of `category` this selector allows and denies.
    fn count_category(&self, category: u32) -> (usize, usize) {
        let members = category_members(category);
        let on = members
            .iter()
            .filter(|&&id| self.bit(usize::from(id)))
            .count();
        (on, members.len() - on)
    }

    /// Redis's `ACLDescribeSelectorCommandRules` (bytes: a first argument may be
    /// any).
    pub(super) fn describe_commands(&self) -> Vec<u8> {
        let additive = !self.bit(future_bit());
        let start = if additive { "-@all" } else { "+@all" };
        let mut rules = vec![start.as_bytes().to_vec()];
        // `replay` follows the rules written so far; `rest` has the categories written
        // taken back out, so each count only sees what is still unexplained.
        let mut replay = Selector::new(false, false);
        replay
            .apply(start.as_bytes())
            .expect("+@all and -@all are valid");
        let mut rest = Selector::new(false, false);
        rest.commands.clone_from(&self.commands);
        let names = command::acl::NAMES;
        let mut applied = vec![false; names.len()];
        loop {
            let mut best = None;
            let (mut min_diff, mut max_same) = (usize::MAX, 0);
            for (index, &(bit, _)) in names.iter().enumerate() {
                if applied[index] {
                    continue;
                }
                let (on, off) = rest.count_category(bit);
                let (diff, same) = if additive { (off, on) } else { (on, off) };
                if same > diff && (diff < min_diff || (diff == min_diff && same > max_same)) {
                    best = Some(index);
                    min_diff = diff;
                    max_same = same;
                }
            }
            let Some(best) = best else { break };
            let (bit, name) = names[best];
            replay.change_category(bit, additive);
            rest.change_category(bit, !additive);
            rules.push(format!("{}{name}", if additive { '+' } else { '-' }).into_bytes());
            applied[best] = true;
        }
        let table = command::table();
        for id in super::command_ids() {
            let allowed = self.bit(usize::from(id));
            if allowed != replay.bit(usize::from(id)) {
                let sign = if allowed { '+' } else { '-' };
                rules.push(format!("{sign}{}", table.by_id(id).name).into_bytes());
                replay.change_permission(id, allowed);
            }
            if let Some(first_args) = self.first_args.get(&id).filter(|_| !allowed) {
                for arg in first_args {
                    let mut rule = format!("+{}|", table.by_id(id).name).into_bytes();
                    rule.extend_from_slice(arg);
                    rules.push(rule);
                }
            }
        }
        rules.join(&b' ')
    }

    /// The key patterns as ACL GETUSER shows them.
    pub(super) fn describe_keys(&self) -> Vec<u8> {
        match self.all_keys {
            true => b"~*".to_vec(),
            false => joined(self.keys.iter(), KeyPattern::describe),
        }
    }

    /// The channel patterns as ACL GETUSER shows them.
    pub(super) fn describe_channels(&self) -> Vec<u8> {
        match self.all_channels {
            true => b"&*".to_vec(),
            false => joined(self.channels.iter(), |channel, out| {
                out.push(b'&');
                out.extend_from_slice(channel);
            }),
        }
    }

    /// Redis's `ACLDescribeSelector`.
    fn describe(&self, out: &mut Vec<u8>) {
        if self.all_keys {
            out.extend_from_slice(b"~* ");
        } else {
            for pattern in &self.keys {
                pattern.describe(out);
                out.push(b' ');
            }
        }
        if self.all_channels {
            out.extend_from_slice(b"&* ");
        } else {
            out.extend_from_slice(b"resetchannels ");
            for channel in &self.channels {
                out.push(b'&');
                out.extend_from_slice(channel);
                out.push(b' ');
            }
        }
        out.extend_from_slice(&self.describe_commands());
    }
}

/// `items` written by `write`, separated by single spaces.
fn joined<T>(items: impl Iterator<Item = T>, write: impl Fn(T, &mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::new();
    for (at, item) in items.enumerate() {
        if at > 0 {
            out.push(b' ');
        }
        write(item, &mut out);
    }
    out
}

/// One selector as ACL GETUSER lists it: `commands`, `keys`, `channels`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorView {
    /// The command rules.
    pub commands: Vec<u8>,
    /// The key patterns.
    pub keys: Vec<u8>,
    /// The channel patterns.
    pub channels: Vec<u8>,
}

impl User {
    /// The rules that rebuild this user (Redis's `ACLDescribeUser`), as ACL LIST
    /// shows them after `user <name> `.
    pub fn describe(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for flag in self.flag_names() {
            out.extend_from_slice(flag.as_bytes());
            out.push(b' ');
        }
        for hash in &self.passwords {
            out.push(b'#');
            out.extend_from_slice(hash.as_bytes());
            out.push(b' ');
        }
        for selector in &self.selectors {
            if selector.root {
                selector.describe(&mut out);
            } else {
                out.extend_from_slice(b" (");
                selector.describe(&mut out);
                out.push(b')');
            }
        }
        out
    }

    /// The flags ACL GETUSER lists, in Redis's order.
    pub fn flag_names(&self) -> Vec<&'static str> {
        let mut flags = vec![if self.enabled { "on" } else { "off" }];
        if self.nopass {
            flags.push("nopass");
        }
        match self.sanitize {
            super::Sanitize::Unset => {}
            super::Sanitize::Skip => flags.push("skip-sanitize-payload"),
            super::Sanitize::Always => flags.push("sanitize-payload"),
        }
        flags
    }

    /// The password hashes.
    pub fn password_hashes(&self) -> &[String] {
        &self.passwords
    }

    /// Each selector as ACL GETUSER shows it, the root selector first.
    pub fn selector_views(&self) -> Vec<SelectorView> {
        self.selectors
            .iter()
            .map(|selector| SelectorView {
                commands: selector.describe_commands(),
                keys: selector.describe_keys(),
                channels: selector.describe_channels(),
            })
            .collect()
    }
}
