//! Connecting to a cluster: contact points, credentials, TLS, data centre, per-statement
//! defaults and the driver's policies, in one builder.

use std::sync::Arc;
use std::time::Duration;

use scylla::client::execution_profile::ExecutionProfile;
use scylla::client::session_builder::SessionBuilder;
use scylla::policies::load_balancing::{DefaultPolicy, LoadBalancingPolicy};
use scylla::policies::retry::RetryPolicy;
use scylla::policies::speculative_execution::SpeculativeExecutionPolicy;
use scylla::statement::Consistency;

use crate::db::Db;
use crate::error::{Error, Result};

/// How long [`DbBuilder::build`] waits for a session by default: a contact point that
/// accepts TCP but never answers fails after this, not after the driver's own minute.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The driver's default bound on setting up one connection.
const DRIVER_CONNECTION_TIMEOUT: Duration = Duration::from_secs(5);

/// How long one statement may take by default (the driver's default request timeout).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings for a [`Db`]: [`Db::builder`], then [`build`](Self::build).
///
/// Every setting has the driver's default unless set. The request timeout bounds every
/// statement the ORM sends, preparation included, unless a statement sets its own with
/// [`Configure::timeout`](crate::Configure::timeout).
///
/// # Example
/// ```no_run
/// use std::time::Duration;
/// use orm_core::Db;
/// use orm_core::scylla::statement::Consistency;
///
/// # async fn run() -> orm_core::Result<()> {
/// let db = Db::builder()
///     .known_nodes("10.0.0.1:9042,10.0.0.2:9042,10.0.0.3:9042")
///     .user("app", "secret")
///     .local_datacenter("dc1")
///     .consistency(Consistency::LocalQuorum)
///     .request_timeout(Duration::from_secs(2))
///     .connect_timeout(Duration::from_secs(5))
///     .build()
///     .await?;
/// # Ok(())
/// # }
/// ```
#[must_use = "a builder does nothing until `build` is awaited"]
pub struct DbBuilder {
    nodes: Vec<String>,
    user: Option<(String, String)>,
    local_datacenter: Option<String>,
    consistency: Option<Consistency>,
    request_timeout: Duration,
    connect_timeout: Duration,
    load_balancing: Option<Arc<dyn LoadBalancingPolicy>>,
    retry: Option<Arc<dyn RetryPolicy>>,
    speculative: Option<Arc<dyn SpeculativeExecutionPolicy>>,
    #[cfg(feature = "tls")]
    tls: Option<scylla::client::session::TlsContext>,
    slow_operation: Option<Duration>,
}

impl std::fmt::Debug for DbBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbBuilder")
            .field("nodes", &self.nodes)
            .field("user", &self.user.as_ref().map(|(user, _)| user))
            .field("local_datacenter", &self.local_datacenter)
            .field("consistency", &self.consistency)
            .field("request_timeout", &self.request_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .finish_non_exhaustive()
    }
}

impl Default for DbBuilder {
    fn default() -> Self {
        DbBuilder {
            nodes: Vec::new(),
            user: None,
            local_datacenter: None,
            consistency: None,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            load_balancing: None,
            retry: None,
            speculative: None,
            #[cfg(feature = "tls")]
            tls: None,
            slow_operation: None,
        }
    }
}

impl Db {
    /// Settings for a connection to a cluster; see [`DbBuilder`].
    pub fn builder() -> DbBuilder {
        DbBuilder::default()
    }
}

impl DbBuilder {
    /// Adds contact points: `host:port`, several separated by commas (as `SCYLLA_URI`
    /// may hold them). The driver discovers the rest of the cluster from any of them.
    pub fn known_nodes(mut self, nodes: &str) -> Self {
        self.nodes.extend(
            nodes
                .split(',')
                .map(str::trim)
                .filter(|node| !node.is_empty())
                .map(str::to_owned),
        );
        self
    }

    /// Logs in with a user name and password (`PasswordAuthenticator`).
    pub fn user(mut self, name: impl Into<String>, password: impl Into<String>) -> Self {
        self.user = Some((name.into(), password.into()));
        self
    }

    /// Sends statements to this data centre's nodes first (token-aware within it); the
    /// others are used only when the policy allows failing over.
    pub fn local_datacenter(mut self, name: impl Into<String>) -> Self {
        self.local_datacenter = Some(name.into());
        self
    }

    /// The consistency of every statement that does not set its own.
    pub fn consistency(mut self, consistency: Consistency) -> Self {
        self.consistency = Some(consistency);
        self
    }

    /// How long a statement may take, preparation included, unless it sets its own
    /// timeout (default [`DEFAULT_REQUEST_TIMEOUT`]).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// How long [`build`](Self::build) may take (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The driver's load-balancing policy (replaces [`local_datacenter`](Self::local_datacenter)).
    pub fn load_balancing(mut self, policy: Arc<dyn LoadBalancingPolicy>) -> Self {
        self.load_balancing = Some(policy);
        self
    }

    /// The driver's retry policy. It retries only statements marked idempotent; the ORM
    /// marks the ones that are (see [`Configure::idempotent`](crate::Configure::idempotent)).
    pub fn retry_policy(mut self, policy: Arc<dyn RetryPolicy>) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The driver's speculative-execution policy: an idempotent statement that has not
    /// answered after the policy's delay is sent to another node too.
    pub fn speculative_execution(mut self, policy: Arc<dyn SpeculativeExecutionPolicy>) -> Self {
        self.speculative = Some(policy);
        self
    }

    /// Encrypts connections (cargo feature `tls`): pass a `rustls::ClientConfig` (in an
    /// `Arc`) or any other [`TlsContext`](scylla::client::session::TlsContext).
    #[cfg(feature = "tls")]
    pub fn tls(mut self, context: impl Into<scylla::client::session::TlsContext>) -> Self {
        self.tls = Some(context.into());
        self
    }

    /// Logs a warning with its plan for every operation that takes `threshold` or
    /// longer; see [`Db::set_slow_operation_threshold`].
    pub fn slow_operation_threshold(mut self, threshold: Duration) -> Self {
        self.slow_operation = Some(threshold);
        self
    }

    /// Connects. Fails with [`Error::Connect`] when no contact point answers within the
    /// connect timeout, or when the credentials are refused.
    pub async fn build(self) -> Result<Db> {
        let uri = self.nodes.join(",");
        let session = self.session_builder();
        let connecting = tokio::time::timeout(self.connect_timeout, session.build());
        let session = match connecting.await {
            Ok(Ok(session)) => session,
            Ok(Err(source)) => {
                return Err(Error::Connect {
                    uri,
                    source: Box::new(source),
                });
            }
            Err(_) => {
                return Err(Error::ConnectTimeout {
                    uri,
                    after: self.connect_timeout,
                });
            }
        };
        let db = Db::from_session(session);
        db.set_slow_operation_threshold(self.slow_operation);
        Ok(db)
    }

    fn session_builder(&self) -> SessionBuilder {
        let mut profile = ExecutionProfile::builder().request_timeout(Some(self.request_timeout));
        if let Some(consistency) = self.consistency {
            profile = profile.consistency(consistency);
        }
        if let Some(policy) = &self.load_balancing {
            profile = profile.load_balancing_policy(Arc::clone(policy));
        } else if let Some(datacenter) = &self.local_datacenter {
            let policy = DefaultPolicy::builder()
                .prefer_datacenter(datacenter.clone())
                .token_aware(true)
                .build();
            profile = profile.load_balancing_policy(policy);
        }
        if let Some(policy) = &self.retry {
            profile = profile.retry_policy(Arc::clone(policy));
        }
        if let Some(policy) = &self.speculative {
            profile = profile.speculative_execution_policy(Some(Arc::clone(policy)));
        }
        // Each connection's set-up keeps the driver's own bound (5 s) unless the whole
        // connect must be quicker: it also bounds reconnections later on.
        let per_connection = self.connect_timeout.min(DRIVER_CONNECTION_TIMEOUT);
        let mut builder = SessionBuilder::new()
            .known_nodes(&self.nodes)
            .connection_timeout(per_connection)
            .default_execution_profile_handle(profile.build().into_handle());
        if let Some((name, password)) = &self.user {
            builder = builder.user(name, password);
        }
        #[cfg(feature = "tls")]
        if let Some(tls) = &self.tls {
            builder = builder.tls_context(Some(tls.clone()));
        }
        builder
    }
}
