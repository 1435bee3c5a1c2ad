//! PerfMon (cucm-interfaces.md §4): where each node's counter service answers. Every node
//! serves its own node-local counters; the cluster file records the URL per node (`perfmon`).

/// The PerfMon endpoint path on every node's port 8443.
pub const PERFMON_PATH: &str = "/perfmonservice2/services/PerfmonService";

/// The namespace of PerfMon messages (the `SOAPAction` is the operation name).
pub const NAMESPACE: &str = "http://schemas.cisco.com/ast/soap";

/// The operations the service description lists (§4).
pub const OPERATIONS: [&str; 9] = [
    "perfmonCollectCounterData",
    "perfmonListCounter",
    "perfmonListInstance",
    "perfmonQueryCounterDescription",
    "perfmonOpenSession",
    "perfmonAddCounter",
    "perfmonRemoveCounter",
    "perfmonCollectSessionData",
    "perfmonCloseSession",
];
