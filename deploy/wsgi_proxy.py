"""The WSGI application as gunicorn serves it behind nginx: REMOTE_ADDR is the client's address, not nginx's.

gunicorn reports the socket's peer, i.e. nginx, for every request; the audit log, the login lockouts (django-axes:
username + address) and the portal's per-address limits would then see one address for everyone. nginx sets
X-Real-IP to the address it saw ($remote_addr), replacing any a client sent; gunicorn listens only where nginx
can reach it (a Unix socket or loopback), so the header can be trusted here and only here.
"""

from xinfang.config.wsgi import application as django_application


def application(environ, start_response):
    real_ip = environ.pop("HTTP_X_REAL_IP", "").strip()
    if real_ip:
        environ["REMOTE_ADDR"] = real_ip
    return django_application(environ, start_response)
