//! The UCOS admin CLI (`cucm-interfaces.md` §6): the grammar the client and the simulated
//! server share.
//!
//! * [`text`]: terminal clean-up (ANSI escapes, `\r\n`, lone `\r`), incremental.
//! * [`recognise`]: shell prompt, pager prompts, confirmations (typed, with their exact
//!   answers), failure markers, privilege refusals, start-up banner.
//! * [`command`]: the typed commands `itl` sends: exact text, expected confirmation, default
//!   timeout, privilege.
//! * [`parse`]: typed parsers of each command's output.
//!
//! Pure code, no I/O. Wording the documents do not give is marked "(inferred)" where it is
//! defined.

pub mod command;
pub mod parse;
pub mod recognise;
pub mod text;

pub use command::{Command, InvalidArgument, Privilege};
pub use parse::ParseError;
pub use recognise::{Banner, Confirmation, FailureMarker, Pager, PromptMatch};
