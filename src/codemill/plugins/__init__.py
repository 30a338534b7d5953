"""The plugin engine: tools that run on users' machines, reached over NATS with the codemie-plugins protocol."""

from codemill.plugins.callout import AuthCalloutService, run_callout
from codemill.plugins.client import PluginClient
from codemill.plugins.embedded import EmbeddedNats
from codemill.plugins.engine import PluginEngine
from codemill.plugins.errors import (
    PluginError,
    PluginGone,
    PluginNotConnected,
    PluginTimeout,
    PluginToolFailed,
    PluginToolNotFound,
)
from codemill.plugins.keys import (
    InMemoryPluginKeyVerifier,
    PluginKeyIdentity,
    PluginKeyVerifier,
    generate_plugin_key,
    hash_plugin_key,
    key_matches,
)
from codemill.plugins.nats_config import NatsCredentials, resolve_credentials
from codemill.plugins.protocol import PluginTool
from codemill.plugins.revocation import disconnect_plugin_key

__all__ = [
    "AuthCalloutService",
    "EmbeddedNats",
    "InMemoryPluginKeyVerifier",
    "NatsCredentials",
    "PluginClient",
    "PluginEngine",
    "PluginError",
    "PluginGone",
    "PluginKeyIdentity",
    "PluginKeyVerifier",
    "PluginNotConnected",
    "PluginTimeout",
    "PluginTool",
    "PluginToolFailed",
    "PluginToolNotFound",
    "disconnect_plugin_key",
    "generate_plugin_key",
    "hash_plugin_key",
    "key_matches",
    "resolve_credentials",
    "run_callout",
]
