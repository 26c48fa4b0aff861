//! Where calls to URLs that users give may go (webhook endpoints, an organization's own provider
//! base URL): never to this machine, a private network or a cloud's metadata service (SSRF),
//! unless the deployment allows private networks (for `dev`). Checked when a request is sent,
//! after DNS: the HTTP client resolves names through [`Resolver`], which drops such addresses,
//! so a name that resolves to one now (DNS rebinding) is refused too; an address written in the
//! URL itself is checked by [`check_url`].

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// Why an address may not be sent to, if it may not.
pub fn refusal(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refusal_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => refusal_v4(v4),
            None => refusal_v6(v6),
        },
    }
}

fn refusal_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_private() {
        Some("a private address")
    } else if ip.is_link_local() {
        // 169.254.0.0/16, where cloud metadata services answer (169.254.169.254).
        Some("a link-local or metadata address")
    } else if ip.is_unspecified() || a == 0 {
        Some("an unspecified address")
    } else if a == 100 && (64..128).contains(&b) {
        Some("a shared (carrier-grade NAT) address")
    } else if ip.is_multicast() || ip.is_broadcast() || a >= 240 {
        Some("a multicast or reserved address")
    } else {
        None
    }
}

fn refusal_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_unspecified() {
        Some("an unspecified address")
    } else if first & 0xfe00 == 0xfc00 {
        Some("a private (unique local) address")
    } else if first & 0xffc0 == 0xfe80 {
        Some("a link-local address")
    } else if ip.is_multicast() {
        Some("a multicast address")
    } else if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        Some("a metadata address")
    } else {
        None
    }
}

/// Whether `url` may be sent to, as far as the URL alone tells: http(s), a host, and not an
/// address [`refusal`] refuses (names are checked when they are resolved).
pub fn check_url(url: &str, allow_private: bool) -> Result<Url, String> {
    let parsed = Url::parse(url).map_err(|error| format!("not a URL: {error}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("must be an http or https URL".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("must not carry credentials".into());
    }
    let ip = match parsed.host() {
        None => return Err("has no host".into()),
        Some(Host::Domain(_)) => None,
        Some(Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
        Some(Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
    };
    match ip.and_then(refusal) {
        Some(what) if !allow_private => Err(format!("is {what}")),
        _ => Ok(parsed),
    }
}

/// The sender's DNS: the system resolver, without the addresses [`refusal`] refuses (unless
/// private networks are allowed).
#[derive(Debug, Clone, Copy)]
pub struct Resolver {
    pub allow_private: bool,
}

impl Resolver {
    /// `addresses` without the refused ones; an error naming what was refused if none is left.
    pub fn filter(
        &self,
        name: &str,
        addresses: impl IntoIterator<Item = SocketAddr>,
    ) -> Result<Vec<SocketAddr>, String> {
        let mut refused = None;
        let allowed: Vec<SocketAddr> = addresses
            .into_iter()
            .filter(|address| match refusal(address.ip()) {
                Some(what) if !self.allow_private => {
                    refused = Some(what);
                    false
                }
                _ => true,
            })
            .collect();
        match (allowed.is_empty(), refused) {
            (true, Some(what)) => Err(format!("{name} resolves to {what}")),
            (true, None) => Err(format!("{name} resolves to no address")),
            (false, _) => Ok(allowed),
        }
    }
}

impl Resolve for Resolver {
    fn resolve(&self, name: Name) -> Resolving {
        let resolver = *self;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let allowed = resolver.filter(&host, found)?;
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// The resolver as the HTTP client takes it.
pub fn resolver(allow_private: bool) -> Arc<Resolver> {
    Arc::new(Resolver { allow_private })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_metadata_addresses_are_refused() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "fd00:ec2::254",
        ] {
            assert!(refusal(refused.parse().unwrap()).is_some(), "{refused}");
        }
        for allowed in ["93.184.216.34", "1.1.1.1", "2606:4700::1111", "172.32.0.1", "100.128.0.1"]
        {
            assert_eq!(refusal(allowed.parse().unwrap()), None, "{allowed}");
        }
    }

    #[test]
    fn urls_are_checked_for_their_scheme_credentials_and_literal_addresses() {
        assert!(check_url("https://example.com/hook", false).is_ok());
        assert_eq!(
            check_url("ftp://example.com", false).unwrap_err(),
            "must be an http or https URL"
        );
        assert!(check_url("https://user:pw@example.com", false).is_err());
        assert_eq!(
            check_url("http://169.254.169.254/latest", false).unwrap_err(),
            "is a link-local or metadata address"
        );
        assert!(check_url("http://[::1]:8080/", false).is_err());
        assert!(check_url("http://127.0.0.1:8080/", true).is_ok(), "allowed for dev");
    }

    #[test]
    fn a_name_resolving_only_to_private_addresses_is_refused_without_connecting() {
        let strict = Resolver { allow_private: false };
        let private: Vec<SocketAddr> =
            vec!["10.0.0.7:0".parse().unwrap(), "[::1]:0".parse().unwrap()];
        assert_eq!(
            strict.filter("internal.example", private.clone()).unwrap_err(),
            "internal.example resolves to a loopback address"
        );
        let mixed = vec!["10.0.0.7:0".parse().unwrap(), "93.184.216.34:0".parse().unwrap()];
        assert_eq!(
            strict.filter("mixed.example", mixed).unwrap(),
            ["93.184.216.34:0".parse().unwrap()],
            "only the public address is used"
        );
        assert_eq!(
            Resolver { allow_private: true }.filter("dev", private.clone()).unwrap(),
            private
        );
    }

    #[tokio::test]
    async fn localhost_is_refused_by_the_resolver_itself() {
        // `localhost` resolves from /etc/hosts: no packet leaves this machine.
        let error = Resolver { allow_private: false }
            .resolve("localhost".parse().unwrap())
            .await
            .err()
            .expect("refused");
        assert!(error.to_string().contains("loopback"), "{error}");
    }
}
