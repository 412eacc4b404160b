//! The official SDKs' calls (`../shared/spec/sdk-names.tsv`) exist in this crate under their
//! snake-case names and reach their operation; every operation has exactly one call.
//!
//! Each SDK call is written below as a Rust user would write it. The test checks the written
//! call against the table (the call's source starts with the table's name in snake case), sends
//! it to a local server, and checks the method and path that arrived.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use hyperspell::{Client, RequestOptions};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

struct SdkCall {
    method: String,
    path: String,
    /// `auth.user_token` for `client.auth.userToken`.
    snake: String,
}

fn sdk_calls() -> BTreeMap<String, SdkCall> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/sdk-names.tsv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (the shared test data)", path.display()));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("method\tpath\toperationId\tofficial_sdk_call"),
        "the columns of {} changed",
        path.display()
    );
    lines
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            let [method, path, _, call] = columns[..] else {
                panic!("not four columns: {line:?}");
            };
            let snake = call
                .strip_prefix("client.")
                .unwrap_or_else(|| panic!("not a client call: {call}"))
                .split('.')
                .map(snake_case)
                .collect::<Vec<_>>()
                .join(".");
            (
                call.to_owned(),
                SdkCall {
                    method: method.to_owned(),
                    path: path.to_owned(),
                    snake,
                },
            )
        })
        .collect()
}

fn snake_case(camel: &str) -> String {
    let mut out = String::new();
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Does `path` (as sent) match the template `/a/{id}/b`?
fn matches_template(path: &str, template: &str) -> bool {
    let sent: Vec<&str> = path.split('/').collect();
    let expected: Vec<&str> = template.split('/').collect();
    sent.len() == expected.len()
        && sent
            .iter()
            .zip(&expected)
            .all(|(s, e)| (e.starts_with('{') && !s.is_empty()) || s == e)
}

struct Checker {
    server: MockServer,
    table: BTreeMap<String, SdkCall>,
    checked: BTreeSet<String>,
}

impl Checker {
    /// `source` is the call as written (`client.auth().user_token()...`).
    async fn check(&mut self, sdk: &str, source: &str, sent: Result<(), hyperspell::Error>) {
        let expected = self
            .table
            .get(sdk)
            .unwrap_or_else(|| panic!("{sdk} is not in sdk-names.tsv"));
        let compact: String = source.chars().filter(|c| !c.is_whitespace()).collect();
        let prefix = format!("client.{}()", expected.snake.replace('.', "()."));
        assert!(
            compact.starts_with(&prefix),
            "{sdk} must be `{prefix}`, the test calls `{compact}`"
        );
        if let Err(error) = &sent {
            // The local server answers `200 {}`, which most response types do not decode from
            // and some operations do not document; what matters is that the request went out.
            assert!(
                error.kind() == hyperspell::ErrorKind::Decode || error.status().is_some(),
                "{sdk}: the request was not sent: {error}"
            );
        }
        let requests = self.server.received_requests().await.unwrap_or_default();
        let last = requests
            .last()
            .unwrap_or_else(|| panic!("{sdk}: nothing arrived"));
        assert_eq!(last.method.as_str(), expected.method, "{sdk}");
        assert!(
            matches_template(last.url.path(), &expected.path),
            "{sdk}: sent {} {}, the SDK's operation is {} {}",
            last.method,
            last.url.path(),
            expected.method,
            expected.path
        );
        self.server.reset().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
            .mount(&self.server)
            .await;
        assert!(self.checked.insert(sdk.to_owned()), "{sdk} checked twice");
    }
}

/// `sdk!(checker, "client.auth.userToken", client.auth().user_token().user_id("u"))`.
macro_rules! sdk {
    ($checker:ident, $sdk:literal, $($call:tt)+) => {{
        let sent = $($call)+.send().await.map(|_| ());
        $checker.check($sdk, stringify!($($call)+), sent).await;
    }};
}

#[tokio::test]
async fn every_official_sdk_call_exists_under_its_snake_case_name_and_reaches_its_operation() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("hs-test")
        .as_user("user_1")
        .base_url(server.uri())
        .build()
        .unwrap()
        .with_options(RequestOptions::new().max_retries(0));
    let mut c = Checker {
        server,
        table: sdk_calls(),
        checked: BTreeSet::new(),
    };
    // Valid for string and UUID parameters alike.
    let id = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
    let file = || hyperspell::multipart::FilePart::bytes(b"hello".to_vec()).file_name("notes.txt");

    sdk!(
        c,
        "client.connections.revoke",
        client.connections().revoke().connection_id(id)
    );
    sdk!(c, "client.connections.list", client.connections().list());
    sdk!(
        c,
        "client.folders.list",
        client.folders().list().connection_id(id)
    );
    sdk!(
        c,
        "client.folders.listPolicies",
        client.folders().list_policies().connection_id(id)
    );
    sdk!(
        c,
        "client.folders.setPolicies",
        client
            .folders()
            .set_policies()
            .connection_id(id)
            .provider_folder_id("f1")
            .sync_mode("sync")
    );
    sdk!(
        c,
        "client.folders.deletePolicy",
        client
            .folders()
            .delete_policy()
            .connection_id(id)
            .policy_id(id)
    );
    sdk!(c, "client.integrations.list", client.integrations().list());
    sdk!(
        c,
        "client.integrations.connect",
        client.integrations().connect().integration_id("slack")
    );
    sdk!(
        c,
        "client.integrations.googleCalendar.list",
        client.integrations().google_calendar().list()
    );
    sdk!(
        c,
        "client.integrations.webCrawler.index",
        client
            .integrations()
            .web_crawler()
            .index()
            .url("https://example.com")
    );
    sdk!(
        c,
        "client.integrations.slack.list",
        client.integrations().slack().list()
    );
    sdk!(
        c,
        "client.memories.add",
        client.memories().add().text("a note")
    );
    sdk!(
        c,
        "client.memories.addBulk",
        client.memories().add_bulk().items(vec![
            hyperspell::types::IngestRequest::builder()
                .text("a")
                .try_into()
                .unwrap()
        ])
    );
    sdk!(
        c,
        "client.memories.upload",
        client.memories().upload().file(file())
    );
    sdk!(
        c,
        "client.memories.update",
        client
            .memories()
            .update()
            .source("vault")
            .resource_id("r1")
            .title("New title")
    );
    sdk!(c, "client.memories.list", client.memories().list());
    sdk!(c, "client.memories.status", client.memories().status());
    sdk!(
        c,
        "client.memories.get",
        client.memories().get().source("vault").resource_id("r1")
    );
    sdk!(
        c,
        "client.memories.search",
        client.memories().search().query("what did we decide?")
    );
    sdk!(
        c,
        "client.memories.delete",
        client.memories().delete().source("vault").resource_id("r1")
    );
    sdk!(
        c,
        "client.evaluate.listQueries",
        client.evaluate().list_queries()
    );
    sdk!(
        c,
        "client.evaluate.getQuery",
        client.evaluate().get_query().query_id(id)
    );
    sdk!(
        c,
        "client.evaluate.scoreQuery",
        client.evaluate().score_query().query_id(id)
    );
    sdk!(
        c,
        "client.evaluate.scoreHighlight",
        client.evaluate().score_highlight().highlight_id(id)
    );
    sdk!(
        c,
        "client.actions.sendMessage",
        client
            .actions()
            .send_message()
            .provider("slack")
            .text("hello")
    );
    sdk!(
        c,
        "client.actions.addReaction",
        client
            .actions()
            .add_reaction()
            .provider("slack")
            .channel("C1")
            .timestamp("1700000000.000100")
            .name("thumbsup")
    );
    sdk!(
        c,
        "client.sessions.add",
        client.sessions().add().history("user: hi")
    );
    sdk!(c, "client.vaults.list", client.vaults().list());
    sdk!(
        c,
        "client.auth.userToken",
        client.auth().user_token().user_id("user_1")
    );
    sdk!(c, "client.auth.me", client.auth().me());
    sdk!(c, "client.auth.deleteUser", client.auth().delete_user());

    let missing: Vec<&String> = c
        .table
        .keys()
        .filter(|sdk| !c.checked.contains(*sdk))
        .collect();
    assert!(
        missing.is_empty(),
        "SDK calls without a Rust twin here: {missing:?}"
    );
}

/// Every operation has one call, `resource[.sub].method`; the SDK's operations have theirs.
#[test]
fn every_operation_has_exactly_one_call() {
    let operations = hyperspell::operations::ALL;
    let mut calls = BTreeSet::new();
    for operation in operations {
        assert!(
            operation.call.split('.').count() >= 2,
            "{} is not under a resource: {}",
            operation.name,
            operation.call
        );
        assert!(
            calls.insert(operation.call),
            "{} is used twice",
            operation.call
        );
    }
    for (sdk, expected) in sdk_calls() {
        let operation = operations
            .iter()
            .find(|o| o.method == expected.method && o.path == expected.path)
            .unwrap_or_else(|| panic!("{sdk}: no operation {} {}", expected.method, expected.path));
        assert_eq!(operation.call, expected.snake, "{sdk}");
    }
}
