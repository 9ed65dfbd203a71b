"""JupyterHub serving the explainer: the hub signs people in and starts one explainer process
per person (`ketamine-explainer serve --jupyterhub`, under /user/<name>/), and
configurable-http-proxy routes each person's pages and kernel websockets to their process.

    jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

Choose the authenticator your institution uses (LDAP, OAuth, …) and a spawner that gives each
person their own system user or container (SystemdSpawner, DockerSpawner); the settings below are
the explainer's part. tests/test_deploy_jupyterhub.py runs this file with a test-only
authenticator and a local spawner. What the hub adds: sign-in, a process per person (one
person's many tabs cannot crowd out another's), and culling of idle servers (e.g. the
jupyterhub-idle-culler service). The explainer process does not itself check the hub's tokens:
the hub decides who may start a server, and anyone who can reach the hub and knows a running
server's address can view that explainer page (which holds nothing about anybody).
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)

VENV_BIN = Path(sys.executable).parent
c.JupyterHub.bind_url = os.environ.get("KX_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
# configurable-http-proxy from npm (`make .venv/chp`, see the Makefile)
c.ConfigurableHTTPProxy.command = [
    os.environ.get("KX_CHP", str(VENV_BIN.parent / "chp" / "node_modules" / ".bin"
                                 / "configurable-http-proxy"))]
# One explainer per person; JupyterHub tells it where to listen ($JUPYTERHUB_SERVICE_URL).
c.Spawner.cmd = [str(VENV_BIN / "ketamine-explainer"), "serve", "--jupyterhub"]
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL", "KETAMINE_EXPLAINER_CACHE",
                      "KETAMINE_EXPLAINER_ASSETS"]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
c.Spawner.mem_limit = "2G"   # honoured by spawners that can limit memory (~70 MB per open page)
