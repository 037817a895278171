"""The CMS's REST API (FastAPI): authentication, then each endpoint hands over to ContentService.

Browsers authenticate with an HttpOnly session cookie and send the session's CSRF token in the
``X-CSRF-Token`` header with every request that changes something; API clients send
``Authorization: Bearer <token>``. Every refusal is a JSON ``{"detail": <Chinese message>, "key": …}``
with the status that fits (401, 403, 404, 409, 413, 415, 422, 429); no request ends in a 500.
"""


import logging
import traceback
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Query, Request, Response, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from wenming.cms.accounts import ROLES, AccountStore, Session, User
from wenming.cms.builds import Activity
from wenming.cms.entries import COLLECTIONS
from wenming.cms.errors import CmsError, InvalidEntry, StaleVersion
from wenming.cms.media import MAX_UPLOAD_BYTES
from wenming.cms.service import ContentService
from wenming.handbook.missing import handbook_built, not_built_page
from wenming.source.messages import render

SESSION_COOKIE = "wm_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
ADMIN_DIR = Path(__file__).resolve().parent / "admin"  # the web editor: static files, a client of this API
MAX_BODY = 200_000  # characters of Markdown: far beyond any report, well below what makes Markdown slow
log = logging.getLogger("wenming.cms")

# Checked by the service (an unknown one is a 404 naming the collections there are), listed here for the docs.
CollectionName = Annotated[str, Field(max_length=40, description="、".join(COLLECTIONS))]


class LoginRequest(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class EntryWrite(BaseModel):
    fields: dict[str, Any]
    body: str = Field("", max_length=MAX_BODY)
    slug: str | None = Field(None, max_length=120)


class EntryUpdate(EntryWrite):
    version: str = Field(max_length=128)


class Transition(BaseModel):
    version: str | None = Field(None, max_length=128)
    comment: str | None = Field(None, max_length=2000)


class PreviewRequest(BaseModel):
    fields: dict[str, Any]
    body: str = Field("", max_length=MAX_BODY)


class DataFileWrite(BaseModel):
    text: str = Field(max_length=5_000_000)
    version: str = Field(max_length=128)


class NewUser(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1000)
    role: str = Field(pattern="^(" + "|".join(ROLES) + ")$")
    unit: str | None = Field(None, max_length=100)
    display_name: str | None = Field(None, max_length=100)
    email: str | None = Field(None, max_length=200)


class SiteFiles(StaticFiles):
    """The published site; before the first build (no folder yet) every page is simply not found."""

    async def check_config(self) -> None:
        return None

    def lookup_path(self, path: str):
        if self.directory is None or not Path(self.directory).is_dir():
            return "", None
        return super().lookup_path(path)


class HandbookFiles(SiteFiles):
    """The editors' handbook (``build.py handbook``); until it is built, a page saying how to build it."""

    async def get_response(self, path: str, scope):
        if self.directory is None or not handbook_built(Path(self.directory)):
            return HTMLResponse(not_built_page(), status_code=404)
        return await super().get_response(path, scope)


def _user_json(user: User) -> dict:
    return {"username": user.username, "display_name": user.display_name, "email": user.email, "role": user.role,
            "unit": user.unit}


def _error(status: int, key: str, detail: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"detail": detail, "key": key, **extra}, status_code=status)


class _Counted:
    """ASGI middleware telling the build worker's Activity when each request begins and ends."""

    def __init__(self, app, activity: Activity) -> None:
        self.app, self.activity = app, activity

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.activity.begin()
        try:
            await self.app(scope, receive, send)
        finally:
            self.activity.end()


def create_app(service: ContentService, accounts: AccountStore, *, site_dir: Path | None = None,
               secure_cookies: bool = False) -> FastAPI:
    """The API under /api/; with ``site_dir``, the published site at / (as a web server would serve it)."""
    app = FastAPI(title="西乡县新时代文明实践中心 · 内容管理接口", version="1.0", docs_url=None, redoc_url=None,
                  description="报道、活动、展品、品牌项目、志愿者和单页的编辑、审核与发布。所有消息均为中文。")
    app.add_middleware(_Counted, activity=service.worker.activity)

    @app.exception_handler(InvalidEntry)
    async def invalid_entry(request: Request, exc: InvalidEntry):
        return _error(422, exc.key, exc.message, diagnostics=[d.as_dict() for d in exc.diagnostics])

    @app.exception_handler(StaleVersion)
    async def stale_version(request: Request, exc: StaleVersion):
        return _error(409, exc.key, exc.message, current=exc.current)

    @app.exception_handler(CmsError)
    async def cms_error(request: Request, exc: CmsError):
        return _error(exc.status, exc.key, exc.message)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        problems = [{"field": ".".join(str(p) for p in e.get("loc", ())), "type": e.get("type")} for e in exc.errors()]
        return _error(422, "cms.bad_request", render("cms.bad_request"), problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        key = {404: "cms.no_such_address", 405: "cms.method_not_allowed"}.get(exc.status_code, "cms.bad_request")
        return _error(exc.status_code, key, render(key))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):  # a bug: logged in full, answered politely
        log.error("unexpected error in %s %s\n%s", request.method, request.url.path, traceback.format_exc())
        return _error(500, "cms.internal_error", render("cms.internal_error"))

    def current_session(request: Request) -> Session:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            session = accounts.session(header[7:].strip())
            if session is None:
                raise CmsError("cms.login_required", 401)
            return session
        token = request.cookies.get(SESSION_COOKIE)
        session = accounts.session(token) if token else None
        if session is None:
            raise CmsError("cms.login_required", 401)
        if request.method not in SAFE_METHODS and request.headers.get(CSRF_HEADER) != session.csrf_token:
            raise CmsError("cms.csrf", 403)
        return session

    def current_user(session: Annotated[Session, Depends(current_session)]) -> User:
        return session.user

    UserDep = Annotated[User, Depends(current_user)]

    @app.post("/api/login", summary="登录")
    def login(body: LoginRequest, request: Request, response: Response) -> dict:
        address = request.client.host if request.client else "unknown"
        session = accounts.login(body.username, body.password, address)
        accounts.audit(session.user, "login")
        response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="strict", secure=secure_cookies,
                            path="/", expires=session.expires_at)
        return {"token": session.token, "csrf_token": session.csrf_token, "expires_at": session.expires_at.isoformat(),
                "user": _user_json(session.user)}

    @app.post("/api/logout", summary="退出登录")
    def logout(session: Annotated[Session, Depends(current_session)], response: Response) -> dict:
        accounts.logout(session.token)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return {"ok": True}

    @app.get("/api/me", summary="当前用户")
    def me(session: Annotated[Session, Depends(current_session)]) -> dict:
        return {"user": _user_json(session.user), "csrf_token": session.csrf_token}

    @app.get("/api/build", summary="网站生成状态")
    def build_state(user: UserDep) -> dict:
        state = service.worker.state()
        return {"state": state.state, "revision": state.revision,
                "finished_at": state.finished_at.isoformat() if state.finished_at else None,
                "messages": list(state.messages)}

    @app.get("/api/registry", summary="登记表的选项（单位及其村（社区）、媒体及其级别等）")
    def registry(user: UserDep) -> dict:
        return service.registry_json(user)

    @app.get("/api/schema/{collection}", summary="内容类型的表单结构（JSON Schema）")
    def schema(collection: CollectionName, user: UserDep) -> dict:
        return service.schema(user, collection)

    @app.post("/api/preview/{collection}", summary="预览一页（不生成整个网站）")
    def preview(collection: CollectionName, body: PreviewRequest, user: UserDep) -> dict:
        return service.preview(user, collection, body.fields, body.body)

    @app.get("/api/preview-image", summary="预览用图片（尚未发布的照片，已去除元数据）")
    def preview_image(user: UserDep, path: Annotated[str, Query(max_length=300)]) -> Response:
        data, media_type = service.preview_image(user, path)
        return Response(data, media_type=media_type, headers={"Cache-Control": "private, max-age=300"})

    @app.post("/api/media", summary="上传图片", status_code=201)
    def upload(user: UserDep, file: Annotated[UploadFile, File()]) -> dict:  # a worker thread: decoding takes time
        data = file.file.read(MAX_UPLOAD_BYTES + 1)
        return service.upload(user, file.filename or "upload", data)

    @app.get("/api/data", summary="登记表文件列表（管理员）")
    def data_files(user: UserDep) -> dict:
        return {"files": service.data_files(user)}

    @app.get("/api/data/{name:path}", summary="读取登记表文件（管理员）")
    def data_file(name: str, user: UserDep) -> dict:
        return service.data_file(user, name)

    @app.put("/api/data/{name:path}", summary="修改登记表文件（管理员）")
    def save_data_file(name: str, body: DataFileWrite, user: UserDep) -> dict:
        return service.save_data_file(user, name, body.text, body.version)

    @app.get("/api/users", summary="账号列表（管理员）")
    def users(user: UserDep) -> dict:
        service.require(user, "accounts")
        return {"users": [_user_json(u) for u in accounts.users()]}

    @app.post("/api/users", summary="新建账号（管理员）", status_code=201)
    def add_user(body: NewUser, user: UserDep) -> dict:
        service.require(user, "accounts")
        unit = service.canonical_unit(body.unit) if body.unit else None
        created = accounts.add_user(body.username, body.password, body.role, unit=unit,
                                    display_name=body.display_name, email=body.email)
        accounts.audit(user, "accounts", detail=f"adduser {created.username}")
        return _user_json(created)

    @app.delete("/api/users/{username}", summary="删除账号（管理员）", status_code=204)
    def delete_user(username: str, user: UserDep) -> Response:
        service.require(user, "accounts")
        accounts.delete_user(username)
        accounts.audit(user, "accounts", detail=f"deluser {username}")
        return Response(status_code=204)

    @app.get("/api/audit", summary="操作记录（管理员）")
    def audit_log(user: UserDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict:
        service.require(user, "accounts")
        return {"items": accounts.audit_log(limit)}

    @app.get("/api/{collection}", summary="列表（可按单位、状态、类型、关键词筛选，分页）")
    def list_entries(collection: CollectionName, user: UserDep,
                     unit: Annotated[str | None, Query(max_length=100)] = None,
                     status: Annotated[str | None, Query(pattern="^(draft|review|published)$")] = None,
                     kind: Annotated[str | None, Query(max_length=100)] = None,
                     q: Annotated[str | None, Query(max_length=200)] = None,
                     page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                     per_page: Annotated[int, Query(ge=1, le=100)] = 20) -> dict:
        return service.list(user, collection, unit=unit, status=status, kind=kind, q=q, page=page, per_page=per_page)

    @app.post("/api/{collection}", summary="新建（草稿）", status_code=201)
    def create(collection: CollectionName, body: EntryWrite, user: UserDep) -> dict:
        return service.create(user, collection, body.fields, body.body, body.slug)

    @app.get("/api/{collection}/{slug}", summary="读取")
    def get(collection: CollectionName, slug: str, user: UserDep) -> dict:
        return service.get(user, collection, slug)

    @app.put("/api/{collection}/{slug}", summary="保存修改（须带上读取时的 version）")
    def update(collection: CollectionName, slug: str, body: EntryUpdate, user: UserDep) -> dict:
        return service.update(user, collection, slug, body.fields, body.body, body.version)

    @app.delete("/api/{collection}/{slug}", summary="删除（须带上 version）", status_code=204)
    def delete(collection: CollectionName, slug: str, user: UserDep,
               version: Annotated[str, Query(max_length=128)]) -> Response:
        service.delete(user, collection, slug, version)
        return Response(status_code=204)

    @app.get("/api/{collection}/{slug}/history", summary="修改历史（git 记录）")
    def history(collection: CollectionName, slug: str, user: UserDep) -> dict:
        return {"items": service.history(user, collection, slug)}

    @app.get("/api/{collection}/{slug}/diff", summary="某次修改的差异")
    def diff(collection: CollectionName, slug: str, user: UserDep,
             commit: Annotated[str, Query(max_length=64)]) -> dict:
        return service.diff(user, collection, slug, commit)

    @app.get("/api/{collection}/{slug}/wechat", summary="公众号格式（带内联样式的 HTML）")
    def wechat(collection: CollectionName, slug: str, user: UserDep) -> dict:
        return service.wechat(user, collection, slug)

    def transition_endpoint(action: str):
        def transition(collection: CollectionName, slug: str, user: UserDep, body: Transition | None = None) -> dict:
            body = body or Transition()
            return service.transition(user, collection, slug, action, body.version, body.comment)

        return transition

    for action, title in (("submit", "提交审核"), ("publish", "发布"), ("unpublish", "撤回发布"),
                          ("return", "退回（须填写意见）")):
        app.post(f"/api/{{collection}}/{{slug}}/{action}", summary=title, name=f"{action}_entry")(
            transition_endpoint(action))

    app.mount("/admin", SiteFiles(directory=ADMIN_DIR, html=True, check_dir=False), name="admin")
    if site_dir is not None:
        app.mount("/handbook", HandbookFiles(directory=site_dir.parent / "handbook", html=True, check_dir=False),
                  name="handbook")
        app.mount("/", SiteFiles(directory=site_dir, html=True, check_dir=False), name="site")
    return app
