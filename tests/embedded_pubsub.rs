//! The in-process pub/sub API: a `Subscriber` receives what sessions publish, in
//! order, as an iterator and as an async stream, and `wait_for_subscribers` lets a test
//! publish without sleeping first.

use std::time::Duration;

use kvdb::{cmd, wait_for_subscribers, Engine, SessionExt, Subscriber};

#[test]
fn a_subscriber_receives_messages_in_order() {
    let engine = Engine::new();
    let mut subscriber = Subscriber::new(&engine);
    subscriber.subscribe(["jobs"]);
    subscriber.psubscribe(["j*"]);
    let mut publisher = engine.session();
    for n in 0..100 {
        assert_eq!(publisher.call(cmd!("PUBLISH", "jobs", n)).as_int(), Some(2));
    }
    for n in 0..100 {
        let direct = subscriber
            .next_timeout(Duration::from_secs(1))
            .expect("message");
        assert_eq!(
            (direct.pattern, &direct.payload[..]),
            (None, n.to_string().as_bytes())
        );
        let matched = subscriber
            .next_timeout(Duration::from_secs(1))
            .expect("pmessage");
        assert_eq!(matched.pattern.as_deref(), Some(&b"j*"[..]));
    }
    assert_eq!(subscriber.try_next(), None);
}

#[test]
fn a_test_can_wait_for_subscribers_instead_of_sleeping() {
    let engine = Engine::new();
    let listener = {
        let engine = engine.clone();
        std::thread::spawn(move || {
            let mut subscriber = Subscriber::new(&engine);
            subscriber.subscribe(["ready"]);
            subscriber.next().map(|message| message.payload)
        })
    };
    assert!(wait_for_subscribers(
        &engine,
        "ready",
        1,
        Duration::from_secs(5)
    ));
    engine.session().call(cmd!("PUBLISH", "ready", "go"));
    assert_eq!(
        listener.join().expect("listener").as_deref(),
        Some(&b"go"[..])
    );
}

#[test]
fn recv_awaits_the_next_message() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let engine = Engine::new();
    let mut subscriber = Subscriber::new(&engine);
    subscriber.subscribe(["events"]);
    let publisher_engine = engine.clone();
    let message = runtime.block_on(async move {
        let publish = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            publisher_engine
                .session()
                .call(cmd!("PUBLISH", "events", "tick"));
        });
        let message = subscriber.recv().await;
        publish.await.expect("publisher");
        message
    });
    assert_eq!(
        message.map(|m| m.payload),
        Some(bytes::Bytes::from_static(b"tick"))
    );
}
