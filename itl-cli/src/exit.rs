//! Exit codes shared by every command.

/// Everything was fine.
pub const OK: u8 = 0;
/// The input has the problems the command exists to find (failed verification, mismatches).
pub const FOUND: u8 = 1;
/// The command could not do its job: unreadable or malformed input, unreachable server.
pub const FAILURE: u8 = 2;
/// Bad usage (clap errors).
pub const USAGE: u8 = 2;
