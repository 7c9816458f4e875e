"""Accounts and tokens (SPEC section 3): anonymous tokens, register, login, binding, authentication.

No token or password is logged or returned after the call that creates it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frameloom.domain.accounts import (
    ANONYMOUS_TOKEN_TTL,
    CLIENT_ID_RE,
    EMAIL_RE,
    MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS,
    IssuedToken,
    Plan,
    Principal,
)
from frameloom.domain.errors import AuthError, Conflict, InvalidRequest, Problem, RateLimited
from frameloom.services.clock import Clock
from frameloom.services.credentials import TOKEN_RE, PasswordPool, hash_token, new_token
from frameloom.services.throttle import LoginThrottle
from frameloom.settings import Settings
from frameloom.store import accounts as repo
from frameloom.store.db import Database
from frameloom.store.ids import new_id
from frameloom.store.models import Account

log = logging.getLogger("frameloom.auth")


@dataclass(frozen=True)
class Credentials:
    """An email and password as typed; checked by :func:`check_credentials`."""

    email: str
    password: str


def check_client_id(client_id: str | None) -> str:
    if client_id is None:
        raise InvalidRequest.of("X-Client-Id", "header is required")
    if not CLIENT_ID_RE.match(client_id):
        raise InvalidRequest.of("X-Client-Id", "must be 1 to 128 of A-Za-z0-9_-")
    return client_id


def check_credentials(email: str, password: str) -> Credentials:
    """Normalise the email (trimmed, lower case) and check both; ``InvalidRequest`` names each problem."""
    problems: list[Problem] = []
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        problems.append(Problem("email", "is not an email address"))
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        problems.append(Problem("password", f"must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"))
    if problems:
        raise InvalidRequest(problems)
    return Credentials(email, password)


class AuthService:
    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.plans = settings.plan_table()  # what a new account of each plan starts with
        self.passwords = PasswordPool(settings.password_hash_concurrency)
        self.throttle = LoginThrottle(db, settings.login_failures_per_account, settings.login_failures_per_address,
                                      settings.login_window_s, clock)

    def anonymous_token(self, client_id: str | None, ip: str) -> IssuedToken:
        """A new anonymous account with ``anonymous_credits`` and a 7-day token.

        ``RateLimited`` when ``client_id`` got one less than 7 days ago, or ``ip``
        reached ``anonymous_per_ip`` in its window; nothing is created then.
        """
        client = check_client_id(client_id)
        now = self.clock()
        token = new_token()
        account_id = new_id("acc")
        with self.db.write() as session:
            wait = repo.claim_client_window(session, client, account_id, now, ANONYMOUS_TOKEN_TTL)
            if wait is not None:
                raise RateLimited("this client id already has an anonymous token; use it", round(wait + 0.5))
            window = timedelta(seconds=self.settings.anonymous_ip_window_s)
            wait = repo.claim_ip_window(session, ip, now, window, self.settings.anonymous_per_ip)
            if wait is not None:
                raise RateLimited("too many anonymous tokens from this address", round(wait + 0.5))
            account = repo.create_account(
                session, Plan.ANONYMOUS, self.plans[Plan.ANONYMOUS].signup_credits, now, account_id=account_id, ip=ip
            )
            expires = repo.add_token(session, account.id, hash_token(token), "anonymous", now, ANONYMOUS_TOKEN_TTL)
        log.info("anonymous account %s created", account.id)
        return IssuedToken(token, expires, account.id, Plan.ANONYMOUS, account.bind_id, account.available)

    def register(self, email: str, password: str, bind_id: str | None) -> IssuedToken:
        """A registered account. With ``bind_id`` the anonymous account itself becomes registered,
        keeping its id, credits, sessions and media; otherwise a new one gets ``signup_credits``.
        ``Conflict`` when the email is taken or the bind id is not an anonymous account."""
        creds = check_credentials(email, password)
        password_hash = self.passwords.hash(creds.password)  # slow: outside the write lock
        try:
            return self._register(creds, password_hash, bind_id)
        except IntegrityError:  # the same email registered at the same moment (PostgreSQL)
            raise Conflict("email: already registered; log in instead") from None

    def _register(self, creds: Credentials, password_hash: str, bind_id: str | None) -> IssuedToken:
        now = self.clock()
        with self.db.write() as session:
            if repo.by_email(session, creds.email) is not None:
                raise Conflict("email: already registered; log in instead")
            if bind_id:
                account = self._bindable(session, bind_id)
                account.plan = Plan.REGISTERED.value
                account.email = creds.email
                account.password_hash = password_hash
            else:
                account = repo.create_account(
                    session, Plan.REGISTERED, self.plans[Plan.REGISTERED].signup_credits, now,
                    email=creds.email, password_hash=password_hash,
                )
            return self._login_token(session, account, now)

    def login(self, email: str, password: str, bind_id: str | None, address: str = "unknown") -> IssuedToken:
        """A new token for a registered account. With ``bind_id``, the anonymous account's
        credits, sessions and media move into it first. Wrong email or password: ``AuthError``;
        too many of those for the account or from ``address`` lately: ``RateLimited``
        (:class:`LoginThrottle`), checked before any hash is spent."""
        creds = check_credentials(email, password)
        self.throttle.check(creds.email, address)
        with self.db.read() as session:
            found = repo.by_email(session, creds.email)
        if not self.passwords.verify(found.password_hash if found else None, creds.password) or found is None:
            self.throttle.failed(creds.email, address)
            raise AuthError("wrong email or password")
        self.throttle.succeeded(creds.email)
        if found.suspended_at is not None:  # only after the password: the answer tells a guesser nothing
            raise AuthError(repo.SUSPENDED)
        now = self.clock()
        with self.db.write() as session:
            account = session.get(Account, found.id)
            assert account is not None
            if bind_id:
                source = self._bindable(session, bind_id)
                if source.frozen:
                    raise Conflict("bind_id: the anonymous account has work under way; bind it when it ends")
                repo.merge(session, source, account, now)
                session.refresh(account)
            return self._login_token(session, account, now)

    def _bindable(self, session: Session, bind_id: str) -> Account:
        account = repo.by_bind_id(session, bind_id)
        if account is None:
            raise InvalidRequest.of("bind_id", "unknown bind id")
        if account.plan != Plan.ANONYMOUS:
            raise Conflict("bind_id: that account is already registered")
        return account

    def _login_token(self, session: Session, account: Account, now: datetime) -> IssuedToken:
        token = new_token()
        ttl = timedelta(days=self.settings.login_token_days)
        expires = repo.add_token(session, account.id, hash_token(token), "login", now, ttl)
        session.flush()
        log.info("login token issued for account %s", account.id)
        return IssuedToken(token, expires, account.id, account.plan, account.bind_id, account.available)

    def authenticate(self, authorization: str | None) -> Principal:
        """The caller behind ``Authorization: Bearer <token>``; ``AuthError`` says what is wrong."""
        if not authorization:
            raise AuthError("token missing: send Authorization: Bearer <token>")
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not TOKEN_RE.match(token):
            raise AuthError("token malformed: send Authorization: Bearer <token>")
        principal = repo.principal_for_token(self.db, hash_token(token), self.clock())
        if principal is None:
            raise AuthError("token unknown or expired")
        return principal

    def principal(self, account_id: str) -> Principal:
        """The account ``account_id`` as a caller, its credits as they are now (work that runs
        for an account after its request, such as a chat turn). ``AuthError`` when the account
        does not exist or was merged into another at login."""
        with self.db.read() as session:
            account = session.get(Account, account_id)
            if account is None or account.merged_into is not None:
                raise AuthError(f"account {account_id[:64]} is unknown or was merged into another")
            if account.suspended_at is not None:
                raise AuthError(repo.SUSPENDED)
            return Principal(account.id, account.plan, account.bind_id, account.available, account.frozen)
