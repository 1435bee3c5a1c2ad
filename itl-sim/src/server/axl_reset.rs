//! AXL reset operations (cucm-interfaces.md §1.6), through the model's
//! [`Cluster::reset_phones`]: a reset or restart makes each phone download its CTL and ITL and
//! the trust oracle decide; "apply" pushes configuration only (no trust-list download).
//!
//! | operation | request | effect | `<return>` |
//! |---|---|---|---|
//! | `resetPhone` / `restartPhone` / `applyPhone` | `<name>` or `<uuid>` | reset / restart / nothing to trust lists | the phone's UUID |
//! | `resetDevicePool` / `restartDevicePool` / `applyDevicePool` | `<name>` or `<uuid>` | every phone of the pool | the pool's UUID |
//! | `doDeviceReset` | `deviceName` (name or UUID) + either `isHardReset` (true: reset, false: restart) or `deviceResetType` (`Reset`, `Restart`, `Apply Configuration`, `Generate PRT`, `Extended Config Pull`) | as named; the last three download nothing | the phone's UUID |
//! | `doEnterpriseParametersReset`, `resetEnterpriseParameters` | — | **refused**: they restore Enterprise Parameters to their defaults, they are not device resets | fault |
//!
//! An unknown phone or pool gets "Item not valid: The specified … was not found"; both or
//! neither of `<name>`/`<uuid>` (or of `isHardReset`/`deviceResetType`) is a schema fault.

use crate::model::{Cluster, PhoneSelector, ResetKind};
use crate::server::SimHandle;
use crate::server::axl_request::{AxlRequest, Named, REFUSED_CODE, axl_fault, schema_fault};
use crate::server::soap::SoapResponse;

/// What an operation does to the phones it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    /// A reset or restart: trust lists are downloaded.
    Download(ResetKind),
    /// Configuration pushed, PRT generated...: no trust-list download.
    NoDownload,
}

/// What an operation addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Phone,
    DevicePool,
}

/// The values `deviceResetType` takes.
pub const DEVICE_RESET_TYPES: [&str; 5] = [
    "Reset",
    "Restart",
    "Apply Configuration",
    "Generate PRT",
    "Extended Config Pull",
];

/// The operations this module answers.
pub const OPERATIONS: [&str; 9] = [
    "resetPhone",
    "restartPhone",
    "applyPhone",
    "resetDevicePool",
    "restartDevicePool",
    "applyDevicePool",
    "doDeviceReset",
    "doEnterpriseParametersReset",
    "resetEnterpriseParameters",
];

/// Whether `operation` is one of [`OPERATIONS`].
pub fn handles(operation: &str) -> bool {
    OPERATIONS.contains(&operation)
}

fn plan(operation: &str) -> Option<(Target, Action)> {
    Some(match operation {
        "resetPhone" => (Target::Phone, Action::Download(ResetKind::Reset)),
        "restartPhone" => (Target::Phone, Action::Download(ResetKind::Restart)),
        "applyPhone" => (Target::Phone, Action::NoDownload),
        "resetDevicePool" => (Target::DevicePool, Action::Download(ResetKind::Reset)),
        "restartDevicePool" => (Target::DevicePool, Action::Download(ResetKind::Restart)),
        "applyDevicePool" => (Target::DevicePool, Action::NoDownload),
        _ => return None,
    })
}

/// `<name>` or `<uuid>`, exactly one, and no other element.
fn named(req: &AxlRequest) -> Result<Named<'_>, SoapResponse> {
    req.only_children(&req.payload, |n| n == "name" || n == "uuid")?;
    req.named()
}

/// The device pool a name (case-insensitive) or UUID names.
fn find_pool(c: &Cluster, named: &Named<'_>) -> Option<usize> {
    match named {
        Named::Name(n) => c
            .device_pools()
            .iter()
            .position(|p| p.name.eq_ignore_ascii_case(n)),
        Named::Uuid(u) => c.device_pool_index_by_uuid(u),
    }
}

/// Runs `action` on the phones of `selector`; the reset error, if any, as a fault.
fn run(
    sim: &SimHandle,
    req: &AxlRequest,
    selector: PhoneSelector,
    action: Action,
    uuid: String,
) -> SoapResponse {
    let Action::Download(kind) = action else {
        return req.respond_return(&uuid);
    };
    match sim.write(|c| c.reset_phones(&selector, kind)) {
        Ok(_) => req.respond_return(&uuid),
        Err(e) => req.not_found(&e.to_string()),
    }
}

/// Answers one of [`OPERATIONS`].
pub fn answer(req: &AxlRequest, sim: &SimHandle) -> SoapResponse {
    let op = req.operation();
    if op == "doEnterpriseParametersReset" || op == "resetEnterpriseParameters" {
        return axl_fault(
            REFUSED_CODE,
            &format!(
                "{op} refused by the simulator: it restores every Enterprise Parameter to its default value and is not a device reset (cucm-interfaces.md 1.6: never call it); reset phones with resetPhone, restartPhone, resetDevicePool or restartDevicePool"
            ),
            op,
        );
    }
    if op == "doDeviceReset" {
        return do_device_reset(req, sim);
    }
    let Some((target, action)) = plan(op) else {
        return schema_fault(&format!("unsupported operation {op}"));
    };
    let named = match named(req) {
        Ok(n) => n,
        Err(fault) => return fault,
    };
    let found = sim.read(|c| match target {
        Target::Phone => named.phone(c).map(|i| {
            let name = c.phones()[i].name.clone();
            (PhoneSelector::Names(vec![name]), c.phone_uuid(i))
        }),
        Target::DevicePool => find_pool(c, &named).map(|i| {
            let name = c.device_pools()[i].name.clone();
            (PhoneSelector::DevicePool(name), c.device_pool_uuid(i))
        }),
    });
    match found {
        Some((selector, uuid)) => run(sim, req, selector, action, uuid),
        None => req.not_found(named.text()),
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

fn do_device_reset(req: &AxlRequest, sim: &SimHandle) -> SoapResponse {
    if let Err(fault) = req.only_children(&req.payload, |n| {
        ["deviceName", "isHardReset", "deviceResetType"].contains(&n)
    }) {
        return fault;
    }
    let Some(device) = req.child_text("deviceName").filter(|d| !d.is_empty()) else {
        return req.missing("deviceName");
    };
    let action = match (
        req.child_text("isHardReset"),
        req.child_text("deviceResetType"),
    ) {
        (Some(_), Some(_)) => return req.unexpected("deviceResetType"),
        (None, None) => return req.missing("isHardReset, deviceResetType"),
        (Some(hard), None) => match parse_bool(hard) {
            Some(true) => Action::Download(ResetKind::Reset),
            Some(false) => Action::Download(ResetKind::Restart),
            None => return crate::server::axl_request::bad_value(hard, "boolean"),
        },
        (None, Some(kind)) => match kind {
            "Reset" => Action::Download(ResetKind::Reset),
            "Restart" => Action::Download(ResetKind::Restart),
            k if DEVICE_RESET_TYPES.contains(&k) => Action::NoDownload,
            other => {
                return schema_fault(&format!(
                    "cvc-enumeration-valid: Value '{other}' is not facet-valid with respect to enumeration '[{}]'. It must be a value from the enumeration.",
                    DEVICE_RESET_TYPES.join(", ")
                ));
            }
        },
    };
    let named = if crate::model::uuids::normalise_uuid(device).is_some() {
        Named::Uuid(device)
    } else {
        Named::Name(device)
    };
    let found = sim.read(|c| {
        named.phone(c).map(|i| {
            (
                PhoneSelector::Names(vec![c.phones()[i].name.clone()]),
                c.phone_uuid(i),
            )
        })
    });
    match found {
        Some((selector, uuid)) => run(sim, req, selector, action, uuid),
        None => req.not_found(device),
    }
}
