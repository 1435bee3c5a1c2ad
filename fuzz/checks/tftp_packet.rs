//! TFTP packet check (target `tftp_packet`, replayed by `itl-wire/tests/fuzz_corpus.rs`): any
//! datagram through `Packet::decode`. Nothing may panic; a decoded packet that encodes decodes
//! to the same packet, and its encoding is at most three times the datagram plus one NUL (an
//! ERROR message that is not UTF-8 is decoded lossily: one byte becomes U+FFFD, three bytes).

use itl_wire::tftp::Packet;

/// Checks one input.
pub fn check(data: &[u8]) {
    let Ok(packet) = Packet::decode(data) else {
        return;
    };
    let _ = packet.opcode();
    if let Ok(bytes) = packet.encode() {
        assert!(
            bytes.len() <= 3 * data.len() + 1,
            "{} > {}",
            bytes.len(),
            data.len()
        );
        let again = Packet::decode(&bytes).expect("an encoded packet decodes");
        assert_eq!(again, packet);
    }
}
