//! The CAPF certificate operation on a phone through AXL: `updatePhone` with
//! `certificateOperation` (the request shape is inferred: cucm-interfaces.md §1.5 documents
//! the field on `getPhone` only). The phone's CAPF state is read with SQL (§4.1 query 3):
//! `tkcertificateoperation` 2 (Install/Upgrade) and `tkcertificatestatus` 2 (Operation
//! Pending) while the operation waits, then 1 (No Pending Operation) and 3 (Upgrade
//! Success); the issuer shows on the phone (`lsc-issued` event, model snapshot).
//!
//! | operation | request | effect | answer |
//! |---|---|---|---|
//! | `updatePhone` | `<name>` or `<uuid>`, `<certificateOperation>Install/Upgrade</certificateOperation>`; optional `authenticationMode`, `keySize`, `keyOrder`, `ecKeySize`, `authenticationString`, `upgradeFinishTime` (accepted, not used) | the operation is pending; at the phone's next reset or restart CAPF (running on the publisher) issues an LSC from its current certificate (`lsc-issued`) | `<return>{uuid}</return>` |
//! | `updatePhone` | `certificateOperation` `No Pending Operation` | cancels a pending operation | same |
//!
//! Other operations (`Delete`, `Troubleshoot`) and any other element are schema
//! faults here; an unknown phone is "Item not valid".

use crate::model::Cluster;
use crate::server::SimHandle;
use crate::server::axl_request::{AxlRequest, schema_fault};
use crate::server::soap::SoapResponse;

/// The operations this module answers.
pub const OPERATIONS: [&str; 1] = ["updatePhone"];

/// Optional `updatePhone` CAPF elements that are accepted and ignored.
const IGNORED: [&str; 6] = [
    "authenticationMode",
    "keySize",
    "keyOrder",
    "ecKeySize",
    "authenticationString",
    "upgradeFinishTime",
];

/// `certificateOperation` values `updatePhone` takes here.
const INSTALL: &str = "Install/Upgrade";
const NONE: &str = "No Pending Operation";

/// Whether `operation` is one of [`OPERATIONS`].
pub fn handles(operation: &str) -> bool {
    OPERATIONS.contains(&operation)
}

fn find_phone(req: &AxlRequest, c: &Cluster) -> Result<usize, SoapResponse> {
    let named = req.named()?;
    named.phone(c).ok_or_else(|| req.not_found(named.text()))
}

/// Answers one of [`OPERATIONS`].
pub fn answer(req: &AxlRequest, sim: &SimHandle) -> SoapResponse {
    if let Err(fault) = req.only_children(&req.payload, |n| {
        ["name", "uuid", "certificateOperation"].contains(&n) || IGNORED.contains(&n)
    }) {
        return fault;
    }
    let Some(operation) = req.child_text("certificateOperation") else {
        return req.missing("certificateOperation");
    };
    if operation != INSTALL && operation != NONE {
        return schema_fault(&format!(
            "cvc-enumeration-valid: Value '{operation}' is not supported by the simulator: use '{INSTALL}' or '{NONE}'."
        ));
    }
    let phone = match sim.read(|c| find_phone(req, c)) {
        Ok(i) => i,
        Err(fault) => return fault,
    };
    let result = sim.write(|c| {
        if operation == INSTALL {
            c.request_capf_operation(phone)
        } else {
            c.cancel_capf_operation(phone);
            Ok(())
        }
    });
    match result {
        Ok(()) => {
            let uuid = sim.read(|c| c.phone_uuid(phone));
            req.respond_return(&uuid)
        }
        Err(e) => req.not_found(&e.to_string()),
    }
}
