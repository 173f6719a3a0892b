//! Users and what they may run: Redis 7.0's access control lists.
//!
//! A [`User`] has a name, an on/off switch, passwords (kept as SHA-256 hex, as Redis
//! keeps them) and selectors: the root selector, then any added with `(...)`. A
//! selector allows commands (a bit per command id, Redis's `allowed_commands`, plus
//! allowed first arguments), key patterns with read/write permissions, and channel
//! patterns. A command runs when any selector allows it ([`User::check`]).
//!
//! [`Acl`] holds the users by name (in byte order, as Redis's radix tree lists them)
//! and the security log. Rules are applied exactly as `ACLSetUser` and
//! `ACLSetSelector` apply them, with their errors; `describe.rs` writes a user back as
//! rules the way `ACLDescribeUser` does; `file.rs` reads and writes the ACL file.

mod describe;
mod file;
mod log;

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;

use crate::command::{self, CommandId};

pub use describe::SelectorView;
pub use log::{AclLog, Context, LogEntry, Reason};

/// A key pattern may be read through (`%R~`).
pub const KEY_READ: u8 = 1;
/// A key pattern may be written through (`%W~`).
pub const KEY_WRITE: u8 = 2;
/// Both (`~`).
const KEY_ALL: u8 = KEY_READ | KEY_WRITE;

/// Why a rule could not be applied (Redis's `errno` values of `ACLSetUser`), with
/// Redis's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleError {
    /// `EINVAL`
    Syntax,
    /// `ENOENT`
    UnknownCommand,
    /// `EEXIST`
    KeyAfterAllKeys,
    /// `EISDIR`
    ChannelAfterAllChannels,
    /// `ENODEV`
    NoSuchPassword,
    /// `EBADMSG`
    BadHash,
    /// `EALREADY`
    DuplicateUser,
    /// `ECHILD`
    FirstArgOfSubcommand,
}

impl RuleError {
    /// Redis's `ACLSetUserStringError` text.
    pub fn message(self) -> &'static str {
        match self {
            RuleError::Syntax => "Syntax error",
            RuleError::UnknownCommand => "Unknown command or category name in ACL",
            RuleError::KeyAfterAllKeys => {
                "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid \
                 and does not have any effect. Try 'resetkeys' to start with an empty list \
                 of patterns"
            }
            RuleError::ChannelAfterAllChannels => {
                "Adding a pattern after the * pattern (or the 'allchannels' flag) is not \
                 valid and does not have any effect. Try 'resetchannels' to start with an \
                 empty list of channels"
            }
            RuleError::NoSuchPassword => {
                "The password you are trying to remove from the user does not exist"
            }
            RuleError::BadHash => {
                "The password hash must be exactly 64 characters and contain only lowercase \
                 hexadecimal characters"
            }
            RuleError::DuplicateUser => {
                "Duplicate user found. A user can only be defined once in config files"
            }
            RuleError::FirstArgOfSubcommand => {
                "Allowing first-arg of a subcommand is not supported"
            }
        }
    }
}

/// Why a command was refused. Of several selectors' refusals the one Redis ranks
/// highest (`ACL_DENIED_*`, then the later argument) is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// The command (or subcommand) is not allowed.
    Command,
    /// The key at this argument position is not allowed.
    Key(usize),
    /// The channel at this argument position is not allowed.
    Channel(usize),
}

impl Denied {
    fn rank(self) -> (u8, usize) {
        match self {
            Denied::Command => (1, 0),
            Denied::Key(at) => (2, at),
            Denied::Channel(at) => (4, at),
        }
    }
}

/// A key pattern and what it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
struct KeyPattern {
    flags: u8,
    pattern: Bytes,
}

/// The bit of the command bitmap that only `+@all` (and `allcommands`) sets: whether
/// the selector allows commands added later (Redis's last bitmap bit).
fn future_bit() -> usize {
    command::table().id_count()
}

/// One set of permissions.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Selector {
    root: bool,
    all_keys: bool,
    all_channels: bool,
    all_commands: bool,
    /// A bit per command id, and [`future_bit`].
    commands: Vec<u64>,
    /// First arguments allowed for a command whose bit is clear (`+select|0`), in the
    /// order they were added.
    first_args: BTreeMap<CommandId, Vec<Bytes>>,
    keys: Vec<KeyPattern>,
    channels: Vec<Bytes>,
}

impl Selector {
    /// An empty selector; `all_channels` is `acl-pubsub-default`.
    fn new(root: bool, all_channels: bool) -> Selector {
        Selector {
            root,
            all_keys: false,
            all_channels,
            all_commands: false,
            commands: vec![0; future_bit() / 64 + 1],
            first_args: BTreeMap::new(),
            keys: Vec::new(),
            channels: Vec::new(),
        }
    }

    fn bit(&self, index: usize) -> bool {
        self.commands[index / 64] & (1 << (index % 64)) != 0
    }

    /// Redis's `ACLSetSelectorCommandBit`: clearing any bit clears `allcommands`.
    fn set_bit(&mut self, index: usize, value: bool) {
        let word = &mut self.commands[index / 64];
        if value {
            *word |= 1 << (index % 64);
        } else {
            *word &= !(1 << (index % 64));
            self.all_commands = false;
        }
    }

    fn set_all_bits(&mut self, value: bool) {
        let fill = if value { u64::MAX } else { 0 };
        self.commands.iter_mut().for_each(|word| *word = fill);
    }

    /// Redis's `ACLChangeSelectorPerm`: a container carries its subcommands along.
    fn change_permission(&mut self, id: CommandId, allow: bool) {
        let table = command::table();
        self.set_bit(usize::from(id), allow);
        self.first_args.remove(&id);
        for sub in table.subcommand_ids(id) {
            self.set_bit(usize::from(sub), allow);
        }
    }

    /// Allows or denies every command of `category` (Redis's
    /// `ACLSetSelectorCommandBitsForCategory`).
    fn change_category(&mut self, category: u32, allow: bool) {
        for &id in category_members(category) {
            self.change_permission(id, allow);
        }
    }

    /// Applies one selector rule (Redis's `ACLSetSelector`).
    fn apply(&mut self, op: &[u8]) -> Result<(), RuleError> {
        let is = |word: &str| op.eq_ignore_ascii_case(word.as_bytes());
        if op.is_empty() {
            return Err(RuleError::Syntax);
        }
        if is("allkeys") || is("~*") {
            self.all_keys = true;
            self.keys.clear();
        } else if is("resetkeys") {
            self.all_keys = false;
            self.keys.clear();
        } else if is("allchannels") || is("&*") {
            self.all_channels = true;
            self.channels.clear();
        } else if is("resetchannels") {
            self.all_channels = false;
            self.channels.clear();
        } else if is("allcommands") || is("+@all") {
            self.set_all_bits(true);
            self.all_commands = true;
            self.first_args.clear();
        } else if is("nocommands") || is("-@all") {
            self.set_all_bits(false);
            self.all_commands = false;
            self.first_args.clear();
        } else if op[0] == b'~' || op[0] == b'%' {
            self.add_key_pattern(op)?;
        } else if op[0] == b'&' {
            if self.all_channels {
                return Err(RuleError::ChannelAfterAllChannels);
            }
            let pattern = &op[1..];
            if has_spaces(pattern) {
                return Err(RuleError::Syntax);
            }
            if !self.channels.iter().any(|known| known == pattern) {
                self.channels.push(Bytes::copy_from_slice(pattern));
            }
            self.all_channels = false;
        } else if op.len() >= 2 && op[1] == b'@' && matches!(op[0], b'+' | b'-') {
            let category = category_by_name(&op[2..]).ok_or(RuleError::UnknownCommand)?;
            self.change_category(category, op[0] == b'+');
        } else if op[0] == b'+' {
            self.allow(&op[1..])?;
        } else if op[0] == b'-' {
            let id = lookup(&op[1..]).ok_or(RuleError::UnknownCommand)?;
            self.change_permission(id, false);
        } else {
            return Err(RuleError::Syntax);
        }
        Ok(())
    }

    /// `~pattern`, `%R~pattern`, `%W~pattern`, `%RW~pattern`.
    fn add_key_pattern(&mut self, op: &[u8]) -> Result<(), RuleError> {
        if self.all_keys {
            return Err(RuleError::KeyAfterAllKeys);
        }
        let (flags, pattern) = if op[0] == b'%' {
            let mut flags = 0;
            let mut at = 1;
            while at < op.len() {
                match op[at].to_ascii_uppercase() {
                    b'R' if flags & KEY_READ == 0 => flags |= KEY_READ,
                    b'W' if flags & KEY_WRITE == 0 => flags |= KEY_WRITE,
                    b'~' => {
                        at += 1;
                        break;
                    }
                    _ => return Err(RuleError::Syntax),
                }
                at += 1;
            }
            // Redis accepts `%~pattern`, then aborts when it describes it: refused here.
            if flags == 0 {
                return Err(RuleError::Syntax);
            }
            (flags, &op[at..])
        } else {
            (KEY_ALL, &op[1..])
        };
        if has_spaces(pattern) {
            return Err(RuleError::Syntax);
        }
        match self.keys.iter_mut().find(|known| known.pattern == pattern) {
            Some(known) => known.flags |= flags,
            None => self.keys.push(KeyPattern {
                flags,
                pattern: Bytes::copy_from_slice(pattern),
            }),
        }
        self.all_keys = false;
        Ok(())
    }

    /// `+command`, `+container|subcommand` or `+command|first-arg`.
    fn allow(&mut self, name: &[u8]) -> Result<(), RuleError> {
        let Some(bar) = name.iter().rposition(|&b| b == b'|') else {
            let id = lookup(name).ok_or(RuleError::UnknownCommand)?;
            self.change_permission(id, true);
            return Ok(());
        };
        let (base, first_arg) = (&name[..bar], &name[bar + 1..]);
        let table = command::table();
        let id = lookup(base).ok_or(RuleError::UnknownCommand)?;
        if table.is_subcommand(id) {
            return Err(RuleError::FirstArgOfSubcommand);
        }
        if first_arg.is_empty() {
            return Err(RuleError::Syntax);
        }
        if table.by_id(id).subcommands.is_empty() {
            crate::log::warning(&format!(
                "Deprecation warning: Allowing a first arg of an otherwise blocked command is \
                 a misuse of ACL and may get disabled in the future (offender: +{})",
                String::from_utf8_lossy(name)
            ));
            let allowed = self.first_args.entry(id).or_default();
            if !allowed
                .iter()
                .any(|known| known.eq_ignore_ascii_case(first_arg))
            {
                allowed.push(Bytes::copy_from_slice(first_arg));
            }
        } else {
            let sub = lookup(name).ok_or(RuleError::UnknownCommand)?;
            self.change_permission(sub, true);
        }
        Ok(())
    }

    /// Redis's `ACLSelectorCheckCmd`.
    fn check(&self, call: &Call<'_>, keys: &mut FoundKeys<'_>) -> Result<(), Denied> {
        let spec = call.spec;
        if !self.all_commands
            && spec.flags & command::flags::NO_AUTH == 0
            && !self.bit(usize::from(call.id))
        {
            let first = call.argv.get(1).map(|arg| arg.as_ref());
            let allowed = self.first_args.get(&call.id).is_some_and(|allowed| {
                first.is_some_and(|first| allowed.iter().any(|a| a.eq_ignore_ascii_case(first)))
            });
            if !allowed {
                return Err(Denied::Command);
            }
        }
        if !self.all_keys && call.keys.has_keys {
            for &(at, flags) in keys.of(call) {
                if !self.may_access_key(&call.argv[at], key_permissions(flags)) {
                    return Err(Denied::Key(at));
                }
            }
        }
        if !self.all_channels {
            for (at, pattern) in channels_of(spec.name, call.argv.len()) {
                if !self.may_use_channel(&call.argv[at], pattern) {
                    return Err(Denied::Channel(at));
                }
            }
        }
        Ok(())
    }

    /// Redis's `ACLSelectorCheckKey`: `needs` is [`KEY_READ`]/[`KEY_WRITE`] bits.
    fn may_access_key(&self, key: &[u8], needs: u8) -> bool {
        self.all_keys
            || self.keys.iter().any(|pattern| {
                pattern.flags & needs == needs
                    && crate::glob::glob_match(&pattern.pattern, key, false)
            })
    }

    /// Redis's `ACLCheckChannelAgainstList`: a PSUBSCRIBE pattern must equal an
    /// allowed pattern; a channel may match one.
    fn may_use_channel(&self, channel: &[u8], is_pattern: bool) -> bool {
        self.all_channels || channel_allowed(&self.channels, channel, is_pattern)
    }

    /// Redis's `ACLSelectorHasUnrestrictedKeyAccess`.
    fn has_unrestricted_key_access(&self, needs: u8) -> bool {
        self.all_keys
            || self
                .keys
                .iter()
                .any(|pattern| pattern.flags & needs == needs && &pattern.pattern[..] == b"*")
    }
}

fn channel_allowed(allowed: &[Bytes], channel: &[u8], is_pattern: bool) -> bool {
    allowed.iter().any(|pattern| {
        if is_pattern {
            pattern == channel
        } else {
            crate::glob::glob_match(pattern, channel, false)
        }
    })
}

/// A key argument's position and its key spec flags.
type SpecKey = (usize, &'static [&'static str]);

/// A call's keys, found when a selector first needs them (the selectors of one check
/// share them), into a buffer kept per thread: finding them allocates nothing.
struct FoundKeys<'b> {
    buffer: &'b mut Vec<SpecKey>,
    found: bool,
}

thread_local! {
    /// The buffer of [`FoundKeys`].
    static KEYS_FOUND: std::cell::RefCell<Vec<SpecKey>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

impl FoundKeys<'_> {
    /// Runs `check` with the keys of a call not found yet.
    fn with<T>(check: impl FnOnce(&mut FoundKeys<'_>) -> T) -> T {
        KEYS_FOUND.with_borrow_mut(|buffer| {
            check(&mut FoundKeys {
                buffer,
                found: false,
            })
        })
    }

    /// The key arguments of `call`, with their key spec flags.
    fn of(&mut self, call: &Call<'_>) -> &[SpecKey] {
        if !self.found {
            call.keys.find_into(call.argv, self.buffer);
            self.found = true;
        }
        self.buffer
    }
}

/// One command call being checked.
struct Call<'a> {
    id: CommandId,
    spec: &'static command::CommandSpec,
    keys: &'static command::introspection::KeyPlan,
    argv: &'a [Bytes],
}

impl<'a> Call<'a> {
    fn new(id: CommandId, argv: &'a [Bytes]) -> Call<'a> {
        Call {
            id,
            spec: command::table().by_id(id),
            keys: command::introspection::KeyPlan::of_command(id),
            argv,
        }
    }
}

/// The permissions a key spec's flags need: `access` reads, `insert`, `delete` and
/// `update` write.
fn key_permissions(flags: &[&str]) -> u8 {
    let mut needs = 0;
    for flag in flags {
        match *flag {
            "access" => needs |= KEY_READ,
            "insert" | "delete" | "update" => needs |= KEY_WRITE,
            _ => {}
        }
    }
    needs
}

/// The channel arguments a command publishes or subscribes to, with whether each is
/// a pattern (Redis's `commands_with_channels`; unsubscribing needs no permission).
fn channels_of(name: &str, argc: usize) -> impl Iterator<Item = (usize, bool)> {
    let (range, pattern) = match name {
        "subscribe" | "ssubscribe" => (1..argc, false),
        "psubscribe" => (1..argc, true),
        "publish" | "spublish" => (1..argc.min(2), false),
        _ => (0..0, false),
    };
    range.map(move |at| (at, pattern))
}

/// `name` as Redis's `ACLLookupCommand` finds it: a command, or `container|sub`
/// (one level: `a|b|c` names nothing).
fn lookup(name: &[u8]) -> Option<CommandId> {
    command::table().id_of_full_name(name)
}

/// The category bit named `name` (without `@`, any case).
pub fn category_by_name(name: &[u8]) -> Option<u32> {
    command::acl::NAMES
        .iter()
        .find(|(_, full)| full.as_bytes()[1..].eq_ignore_ascii_case(name))
        .map(|(bit, _)| *bit)
}

/// The ids of every command and subcommand in `category` (one of
/// [`command::acl::NAMES`]' bits), in table order (a container's subcommands right
/// after it); listed once.
pub(crate) fn category_members(category: u32) -> &'static [CommandId] {
    static MEMBERS: std::sync::OnceLock<Vec<Vec<CommandId>>> = std::sync::OnceLock::new();
    let members = MEMBERS.get_or_init(|| {
        let table = command::table();
        command::acl::NAMES
            .iter()
            .map(|(bit, _)| {
                command_ids()
                    .filter(|&id| table.by_id(id).acl_categories() & bit != 0)
                    .collect()
            })
            .collect()
    });
    &members[category.trailing_zeros() as usize]
}

/// Every command id, each container followed by its subcommands.
fn command_ids() -> impl Iterator<Item = CommandId> {
    let table = command::table();
    (0..table.all.len() as CommandId)
        .flat_map(move |id| std::iter::once(id).chain(table.subcommand_ids(id)))
}

/// Redis's `ACLStringHasSpaces`: any C `isspace` byte or NUL.
pub fn has_spaces(text: &[u8]) -> bool {
    text.iter()
        .any(|&b| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0))
}

/// The SHA-256 of `password` in lowercase hex, as Redis stores passwords.
pub fn password_hash(password: &[u8]) -> String {
    use sha2::Digest as _;
    crate::num::lower_hex(&sha2::Sha256::digest(password))
}

/// The hash a password rule names: of the cleartext after `>` or `<`, or the hash
/// itself after `#` or `!`, which must be 64 lowercase hex digits.
fn rule_password_hash(op: &[u8]) -> Result<String, RuleError> {
    let rest = &op[1..];
    if matches!(op[0], b'>' | b'<') {
        return Ok(password_hash(rest));
    }
    let valid = rest.len() == 64 && rest.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    match valid {
        true => Ok(String::from_utf8_lossy(rest).into_owned()),
        false => Err(RuleError::BadHash),
    }
}

/// What a user says of payload sanitizing (RESTORE under `sanitize-dump-payload
/// clients`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sanitize {
    /// Neither flag.
    Unset,
    /// `skip-sanitize-payload`
    Skip,
    /// `sanitize-payload`
    Always,
}

/// One user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    name: Bytes,
    enabled: bool,
    nopass: bool,
    sanitize: Sanitize,
    /// SHA-256 hex of each password, in the order added.
    passwords: Vec<String>,
    /// The root selector first.
    selectors: Vec<Selector>,
}

impl User {
    /// A new user as `ACL SETUSER` creates it: off, no password, no permissions;
    /// `all_channels` is `acl-pubsub-default`.
    pub fn new(name: &[u8], all_channels: bool) -> User {
        User {
            name: Bytes::copy_from_slice(name),
            enabled: false,
            nopass: false,
            sanitize: Sanitize::Unset,
            passwords: Vec::new(),
            selectors: vec![Selector::new(true, all_channels)],
        }
    }

    /// The default user as it starts, shared: what a client state holds before it
    /// reads the engine's users.
    pub fn initial() -> Arc<User> {
        static INITIAL: std::sync::OnceLock<Arc<User>> = std::sync::OnceLock::new();
        INITIAL
            .get_or_init(|| Arc::new(User::default_user()))
            .clone()
    }

    /// The default user Redis starts with: `on nopass ~* &* +@all`.
    pub fn default_user() -> User {
        let mut user = User::new(b"default", false);
        for op in ["+@all", "~*", "&*", "on", "nopass"] {
            user.apply(op.as_bytes(), false)
                .expect("the default user's rules are valid");
        }
        user
    }

    /// The name.
    pub fn name(&self) -> &Bytes {
        &self.name
    }

    /// True when the user may log in (`on`).
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// True when any password works (`nopass`).
    pub fn is_nopass(&self) -> bool {
        self.nopass
    }

    /// True when a client starts logged in as this user (Redis's
    /// `clientSetDefaultAuth`): it is on and needs no password.
    pub fn logs_in_without_password(&self) -> bool {
        self.enabled && self.nopass
    }

    /// True when `password` logs in as this user (Redis's
    /// `ACLCheckUserCredentials`, for an existing user).
    pub fn accepts(&self, password: &[u8]) -> bool {
        if !self.enabled {
            return false;
        }
        if self.nopass {
            return true;
        }
        let hashed = password_hash(password);
        self.passwords
            .iter()
            .any(|known| constant_time_eq(known.as_bytes(), hashed.as_bytes()))
    }

    /// True when the root selector allows every command, key and channel: nothing
    /// to check.
    pub fn is_unrestricted(&self) -> bool {
        let root = &self.selectors[0];
        root.all_commands && root.all_keys && root.all_channels
    }

    /// Whether the user may run `argv`, the command `id` (Redis's
    /// `ACLCheckAllUserCommandPerm`): allowed by any selector, else the most
    /// relevant refusal.
    pub fn check(&self, id: CommandId, argv: &[Bytes]) -> Result<(), Denied> {
        if self.is_unrestricted() {
            return Ok(());
        }
        let call = Call::new(id, argv);
        FoundKeys::with(|keys| {
            let mut relevant = Denied::Command;
            for selector in &self.selectors {
                match selector.check(&call, keys) {
                    Ok(()) => return Ok(()),
                    Err(denied) if denied.rank() > relevant.rank() => relevant = denied,
                    Err(_) => {}
                }
            }
            Err(relevant)
        })
    }

    /// Redis's `ACLUserCheckCmdWithUnrestrictedKeyAccess`: whether a selector both
    /// allows `argv` and allows `needs` ([`KEY_READ`]/[`KEY_WRITE`]) on every key.
    pub fn may_run_on_any_key(&self, id: CommandId, argv: &[Bytes], needs: u8) -> bool {
        if self.is_unrestricted() {
            return true;
        }
        let call = Call::new(id, argv);
        FoundKeys::with(|keys| {
            self.selectors.iter().any(|selector| {
                selector.check(&call, keys).is_ok() && selector.has_unrestricted_key_access(needs)
            })
        })
    }

    /// Applies one rule (Redis's `ACLSetUser`); `all_channels` is
    /// `acl-pubsub-default`, which `reset` and new selectors start from.
    pub fn apply(&mut self, op: &[u8], all_channels: bool) -> Result<(), RuleError> {
        let is = |word: &str| op.eq_ignore_ascii_case(word.as_bytes());
        if op.is_empty() {
            return Ok(());
        }
        if is("on") {
            self.enabled = true;
        } else if is("off") {
            self.enabled = false;
        } else if is("skip-sanitize-payload") {
            self.sanitize = Sanitize::Skip;
        } else if is("sanitize-payload") {
            self.sanitize = Sanitize::Always;
        } else if is("nopass") {
            self.nopass = true;
            self.passwords.clear();
        } else if is("resetpass") {
            self.nopass = false;
            self.passwords.clear();
        } else if op[0] == b'>' || op[0] == b'#' {
            let hash = rule_password_hash(op)?;
            if !self.passwords.contains(&hash) {
                self.passwords.push(hash);
            }
            self.nopass = false;
        } else if op[0] == b'<' || op[0] == b'!' {
            let hash = rule_password_hash(op)?;
            let at = self
                .passwords
                .iter()
                .position(|known| *known == hash)
                .ok_or(RuleError::NoSuchPassword)?;
            self.passwords.remove(at);
        } else if op[0] == b'(' && op[op.len() - 1] == b')' {
            let mut selector = Selector::new(false, all_channels);
            let inner = &op[1..op.len() - 1];
            // Unbalanced quotes leave Redis's `sdssplitargs` with nothing: an empty
            // selector.
            let rules = kvdb_resp::split_args(inner).unwrap_or_default();
            for rule in rules {
                selector.apply(&rule)?;
            }
            self.selectors.push(selector);
        } else if is("clearselectors") {
            self.selectors.truncate(1);
        } else if is("reset") {
            let channels: &[u8] = match all_channels {
                true => b"allchannels",
                false => b"resetchannels",
            };
            let steps = [&b"resetpass"[..], b"resetkeys", channels, b"off"];
            let more = [&b"sanitize-payload"[..], b"clearselectors", b"-@all"];
            for step in steps.into_iter().chain(more) {
                self.apply(step, all_channels)?;
            }
        } else {
            self.selectors[0].apply(op)?;
        }
        Ok(())
    }

    /// Whether this user's subscribers must be checked against `new`'s channels
    /// (Redis's first two tests in `ACLKillPubsubClientsIfNeeded`): `None` when `new`
    /// allows every channel, else the channel patterns `new` allows. Redis's test
    /// that the old patterns are all among the new compares list nodes by pointer,
    /// so it only ever passes when the old user had no channel at all; kvdb keeps
    /// that behaviour (a subscription made before AUTH is checked too).
    pub fn channels_revoked(&self, new: &User) -> Option<Vec<Bytes>> {
        if new.selectors.iter().any(|selector| selector.all_channels) {
            return None;
        }
        let upcoming: Vec<Bytes> = new
            .selectors
            .iter()
            .flat_map(|selector| selector.channels.iter().cloned())
            .collect();
        let had_none = self
            .selectors
            .iter()
            .all(|selector| !selector.all_channels && selector.channels.is_empty());
        (!had_none).then_some(upcoming)
    }
}

/// Whether a subscriber of `channels` and `patterns` may keep them under the channel
/// patterns `allowed` (see [`User::channels_revoked`]).
pub fn subscriptions_allowed(allowed: &[Bytes], channels: &[Bytes], patterns: &[Bytes]) -> bool {
    patterns
        .iter()
        .all(|pattern| channel_allowed(allowed, pattern, true))
        && channels
            .iter()
            .all(|channel| channel_allowed(allowed, channel, false))
}

/// Compares without stopping at the first difference (Redis's
/// `time_independent_strcmp`).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// Redis's `ACLMergeSelectorArguments`: a selector spread over several arguments
/// (`(+get` `~x)`) is joined into one, with single spaces. An opening parenthesis
/// without its close is an error naming where it started.
pub fn merge_selector_arguments(args: &[Bytes]) -> Result<Vec<Bytes>, Bytes> {
    let mut merged = Vec::with_capacity(args.len());
    let mut open: Option<(usize, Vec<u8>)> = None;
    for (at, arg) in args.iter().enumerate() {
        // As in Redis, an opening parenthesis starts over even inside a selector.
        if arg.first() == Some(&b'(') && arg.last() != Some(&b')') {
            open = Some((at, arg.to_vec()));
            continue;
        }
        if let Some((_, selector)) = &mut open {
            selector.push(b' ');
            selector.extend_from_slice(arg);
            if arg.last() == Some(&b')') {
                let (_, selector) = open.take().expect("a selector is open");
                merged.push(Bytes::from(selector));
            }
            continue;
        }
        merged.push(arg.clone());
    }
    match open {
        Some((at, _)) => Err(args[at].clone()),
        None => Ok(merged),
    }
}

/// Every user and the security log.
#[derive(Debug, Clone)]
pub struct Acl {
    users: BTreeMap<Bytes, Arc<User>>,
    /// `ACL LOG`.
    pub log: AclLog,
}

impl Default for Acl {
    fn default() -> Self {
        let mut users = BTreeMap::new();
        let default = User::default_user();
        users.insert(default.name.clone(), Arc::new(default));
        Acl {
            users,
            log: AclLog::default(),
        }
    }
}

impl Acl {
    /// The users a configuration starts with (Redis's `ACLLoadUsersAtStartup`): the
    /// default user with `requirepass`, then the config file's `user` lines or the
    /// ACL file. The error is what Redis logs before it exits.
    pub fn configured(config: &crate::config::Config) -> Result<Acl, String> {
        let mut acl = Acl::default();
        acl.set_default_password(config.requirepass());
        let all_channels = config.acl_pubsub_all_channels();
        let aclfile = config.aclfile();
        if aclfile.is_some() && !config.users().is_empty() {
            return Err(
                "Configuring Redis with users defined in redis.conf and at the same \
                 setting an ACL file path is invalid. This setup is very likely to lead to \
                 configuration errors and security holes, please define either an ACL file \
                 or declare users directly in your redis.conf, but not both."
                    .into(),
            );
        }
        acl.load_configured_users(config.users(), all_channels)
            .map_err(|why| format!("{why}\nCritical error while loading ACLs. Exiting."))?;
        if let Some((path, file)) = aclfile {
            acl.load_file((&path, &file), all_channels)
                .map_err(|errors| {
                    format!("Aborting Redis startup because of ACL errors: {errors}")
                })?;
        }
        Ok(acl)
    }

    /// The user named `name`.
    pub fn user(&self, name: &[u8]) -> Option<&Arc<User>> {
        self.users.get(name)
    }

    /// The default user (always present).
    pub fn default_user(&self) -> &Arc<User> {
        &self.users[&b"default"[..]]
    }

    /// Every user, in name order.
    pub fn users(&self) -> impl Iterator<Item = &Arc<User>> {
        self.users.values()
    }

    /// Redis's `ACLStringSetUser`: applies `rules` to a copy of user `name` (a new
    /// user when there is none) and keeps it only if every rule applies. Answers the
    /// user as it was before (none when new), or Redis's error text.
    pub fn set_user(
        &mut self,
        name: &[u8],
        rules: &[Bytes],
        all_channels: bool,
    ) -> Result<Option<Arc<User>>, String> {
        let rules = merge_selector_arguments(rules).map_err(|start| {
            format!(
                "Unmatched parenthesis in acl selector starting at '{}'.",
                String::from_utf8_lossy(&start)
            )
        })?;
        let previous = self.users.get(name).cloned();
        let mut user = match &previous {
            Some(user) => User::clone(user),
            None => User::new(name, all_channels),
        };
        for rule in &rules {
            user.apply(rule, all_channels).map_err(|error| {
                format!(
                    "Error in ACL SETUSER modifier '{}': {}",
                    String::from_utf8_lossy(crate::args::c_str(rule)),
                    error.message()
                )
            })?;
        }
        self.users.insert(user.name.clone(), Arc::new(user));
        Ok(previous)
    }

    /// Removes user `name` (never the default user): the removed user.
    pub fn delete_user(&mut self, name: &[u8]) -> Option<Arc<User>> {
        if name == b"default" {
            return None;
        }
        self.users.remove(name)
    }

    /// Redis's `ACLUpdateDefaultUserPassword`: `requirepass` sets the default user's
    /// only password; none makes it `nopass`.
    pub fn set_default_password(&mut self, password: Option<&[u8]>) {
        let mut user = User::clone(self.default_user());
        user.apply(b"resetpass", false).expect("a valid rule");
        match password {
            Some(password) => {
                let mut rule = b">".to_vec();
                rule.extend_from_slice(password);
                user.apply(&rule, false).expect("a valid rule");
            }
            None => user.apply(b"nopass", false).expect("a valid rule"),
        }
        self.users.insert(user.name.clone(), Arc::new(user));
    }

    /// Replaces every user with `users` (the default user's rules included), as a
    /// successful `ACL LOAD` does.
    fn replace_users(&mut self, users: BTreeMap<Bytes, Arc<User>>) {
        self.users = users;
        if !self.users.contains_key(&b"default"[..]) {
            let default = User::default_user();
            self.users.insert(default.name.clone(), Arc::new(default));
        }
    }

    /// Applies the `user` lines of a config file (names first, then their merged
    /// rules), as Redis's `ACLLoadConfiguredUsers` does at startup: the default
    /// user is reset first when it has a line.
    pub fn load_configured_users(
        &mut self,
        users: &[Vec<Bytes>],
        all_channels: bool,
    ) -> Result<(), String> {
        for line in users {
            let (name, rules) = line.split_first().expect("a user line has a name");
            if has_spaces(name) {
                return Err("Spaces not allowed in ACL usernames".into());
            }
            let mut user = match self.users.get(name) {
                Some(existing) => {
                    let mut user = User::clone(existing);
                    user.apply(b"reset", all_channels).expect("a valid rule");
                    user
                }
                None => User::new(name, all_channels),
            };
            for rule in rules {
                user.apply(rule, all_channels).map_err(|error| {
                    format!(
                        "Error loading ACL rule '{}' for the user named '{}': {}",
                        String::from_utf8_lossy(rule),
                        String::from_utf8_lossy(name),
                        error.message()
                    )
                })?;
            }
            self.users.insert(user.name.clone(), Arc::new(user));
        }
        Ok(())
    }
}

/// Checks a config file's `user` line (the words after `user`) as Redis's
/// `ACLAppendUserForLoading` does: rules are tried on a scratch user and any error
/// but an unknown command is fatal. Answers the name and merged rules, or the
/// index of the offending word (Redis then names `argv[index]` of the whole line)
/// and the error.
pub fn check_user_line(words: &[Bytes]) -> Result<Vec<Bytes>, (usize, RuleError)> {
    let (name, rules) = words.split_first().ok_or((0, RuleError::Syntax))?;
    let merged = merge_selector_arguments(rules).map_err(|_| (0, RuleError::Syntax))?;
    let mut scratch = User::new(b"__fakeuser__", false);
    for (at, rule) in merged.iter().enumerate() {
        match scratch.apply(rule, false) {
            Ok(()) | Err(RuleError::UnknownCommand) => {}
            Err(error) => return Err((at, error)),
        }
    }
    let mut line = vec![name.clone()];
    line.extend(merged);
    Ok(line)
}

#[cfg(test)]
mod tests;
