//! The RisPort70 pacer (client side), with paused tokio time: chunks of names, requests back
//! to back while the rolling minute has room, then a wait, back-off on the rate fault.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use itl_cucm::soap::pacer::{PacerConfig, RisPacer};
use itl_wire::soap::risport::{
    self, CmDevice, RegistrationStatus, SelectCmDeviceRequest, SelectCmDeviceResult,
};
use itl_wire::soap::{SoapError, SoapFault};
use tokio::time::Instant;

fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("SEP{i:012X}")).collect()
}

fn registered(req: &SelectCmDeviceRequest) -> SelectCmDeviceResult {
    SelectCmDeviceResult::from_devices(
        req.items
            .iter()
            .map(|n| CmDevice::new(n.clone(), "pub", RegistrationStatus::Registered)),
    )
}

#[tokio::test(start_paused = true)]
async fn pacer_chunks_and_sends_back_to_back_within_the_budget() {
    let mut pacer = RisPacer::new(PacerConfig::default());
    assert_eq!(pacer.budget().per_minute(), 15);
    let calls: Arc<Mutex<Vec<(Instant, usize)>>> = Arc::default();
    let log = calls.clone();
    let start = Instant::now();
    let all = names(2500);
    let devices = pacer
        .select_all(&all, |req| {
            log.lock()
                .expect("log")
                .push((Instant::now(), req.items.len()));
            assert_eq!(req.device_class, "Phone");
            assert_eq!(req.select_by, "Name");
            std::future::ready(Ok::<_, SoapError>(registered(&req)))
        })
        .await
        .expect("devices");
    assert_eq!(devices.len(), 2500);
    assert_eq!(
        devices.iter().map(|d| d.name.clone()).collect::<Vec<_>>(),
        all
    );
    let calls = calls.lock().expect("log").clone();
    assert_eq!(
        calls.iter().map(|c| c.1).collect::<Vec<_>>(),
        [1000, 1000, 500]
    );
    // Three requests within the budget of 15: all at once, no spacing.
    assert!(calls.iter().all(|c| c.0 == start), "{calls:?}");
    // Twin: under the limit a single chunk is one immediate request.
    let mut pacer = RisPacer::new(PacerConfig::default());
    let before = Instant::now();
    let devices = pacer
        .select_all(&names(3), |req| {
            std::future::ready(Ok::<_, SoapError>(registered(&req)))
        })
        .await
        .expect("devices");
    assert_eq!(devices.len(), 3);
    assert_eq!(Instant::now(), before);
}

#[tokio::test(start_paused = true)]
async fn pacer_respects_a_configured_rate() {
    let mut pacer = RisPacer::new(PacerConfig {
        per_minute: 6,
        chunk_size: 10,
        ..PacerConfig::default()
    });
    let times: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let log = times.clone();
    pacer
        .select_all(&names(70), |req| {
            log.lock().expect("log").push(Instant::now());
            std::future::ready(Ok::<_, SoapError>(registered(&req)))
        })
        .await
        .expect("devices");
    let times = times.lock().expect("log").clone();
    assert_eq!(times.len(), 7);
    // At most 6 in any 60 s window.
    for (i, t) in times.iter().enumerate() {
        let in_window = times[i..]
            .iter()
            .filter(|u| **u - *t < Duration::from_secs(60))
            .count();
        assert!(in_window <= 6);
    }
    assert_eq!(times[6] - times[0], Duration::from_secs(60));
}

fn rate_fault() -> SoapError {
    SoapError::from_fault(SoapFault::server(risport::rate_limit_message(15)))
}

#[tokio::test(start_paused = true)]
async fn pacer_backs_off_on_the_rate_fault() {
    let mut pacer = RisPacer::new(PacerConfig::default());
    assert_eq!(
        (1..=6)
            .map(|a| pacer.backoff(a).as_secs())
            .collect::<Vec<_>>(),
        [30, 60, 120, 240, 240, 240]
    );
    let times: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let log = times.clone();
    let start = Instant::now();
    // Two rate faults, then success.
    let result = pacer
        .run(|| {
            let mut t = log.lock().expect("log");
            t.push(Instant::now());
            let r = if t.len() <= 2 {
                Err(rate_fault())
            } else {
                Ok(t.len())
            };
            std::future::ready(r)
        })
        .await;
    assert_eq!(result, Ok(3));
    let times = times.lock().expect("log").clone();
    assert_eq!(times[0], start);
    assert_eq!(times[1] - times[0], Duration::from_secs(30));
    assert_eq!(times[2] - times[1], Duration::from_secs(60));
    // Room in the minute (answers at 0 s, 30 s and 90 s): the next one goes at once.
    let before = Instant::now();
    pacer
        .run(|| std::future::ready(Ok::<_, SoapError>(())))
        .await
        .expect("ok");
    assert_eq!(Instant::now(), before);
    // Counted in the minute ending now: the third attempt and this one.
    assert_eq!(pacer.budget().in_window(before.into_std()), 2);

    // Twin: a persistent rate fault gives up after max_retries with the typed error.
    let mut pacer = RisPacer::new(PacerConfig {
        max_retries: 2,
        ..PacerConfig::default()
    });
    let calls = Arc::new(Mutex::new(0));
    let c = calls.clone();
    let err = pacer
        .run(|| {
            *c.lock().expect("calls") += 1;
            std::future::ready(Err::<(), _>(rate_fault()))
        })
        .await
        .expect_err("gives up");
    assert!(err.is_rate_limited());
    assert_eq!(*calls.lock().expect("calls"), 3);

    // Twin: other faults are not retried.
    let calls = Arc::new(Mutex::new(0));
    let c = calls.clone();
    let err = pacer
        .run(|| {
            *c.lock().expect("calls") += 1;
            std::future::ready(Err::<(), _>(SoapError::from_fault(SoapFault::server(
                "boom",
            ))))
        })
        .await
        .expect_err("fails");
    assert!(!err.is_rate_limited());
    assert_eq!(*calls.lock().expect("calls"), 1);
}

#[tokio::test(start_paused = true)]
async fn duplicate_devices_keep_the_latest_state() {
    let mut pacer = RisPacer::new(PacerConfig::default());
    let devices = pacer
        .select_all(&names(1), |req| {
            let name = req.items[0].clone();
            let mut old = CmDevice::new(name.clone(), "sub1", RegistrationStatus::UnRegistered);
            old.time_stamp = Some(100);
            let mut new = CmDevice::new(name, "sub2", RegistrationStatus::Registered);
            new.time_stamp = Some(200);
            std::future::ready(Ok::<_, SoapError>(SelectCmDeviceResult::from_devices([
                old, new,
            ])))
        })
        .await
        .expect("devices");
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].node, "sub2");
    assert_eq!(devices[0].status, RegistrationStatus::Registered);
}
