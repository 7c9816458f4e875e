// UI text in English and Chinese. `t(key, vars)` looks a key up in the current
// language, then English, then returns the key itself; `{name}` marks take vars.
// Static markup says what it shows with data-i18n (text), data-i18n-aria
// (aria-label) and data-i18n-placeholder; `apply(root)` fills them in.
// The chat panel's strings come from i18n-chat.js (its default export, or named
// `en` / `zh` exports) when that module is there.

const STRINGS = {
  en: {
    skip: "Skip to Make",
    studio: "studio",
    language: "Language",
    cancel: "Cancel",
    close: "Close",
    "balance.loading": "Credits…",
    "balance.text": "{available} credits",
    "balance.frozen": "{available} credits ({frozen} held)",
    "balance.label": "Credit balance",
    "credits.out": "Out of credits: register to get more",
    "auth.signIn": "Sign in",
    "auth.register": "Register",
    "auth.signOut": "Sign out",
    "auth.email": "Email",
    "auth.password": "Password (at least 8 characters)",
    "auth.registerTitle": "Register: keep this session's credits and media",
    "auth.signInTitle": "Sign in",
    "auth.signedIn": "Signed in as {email}",
    "auth.done": "Welcome, {email}",
    "auth.guest": "Guest",
    "help.title": "Keyboard shortcuts",
    "help.generate": "Generate",
    "help.cancel": "Cancel the running generation, close a dialog",
    "help.next": "Next / previous item in the gallery",
    "help.favorite": "Favorite the current item",
    "help.undo": "Undo / redo a timeline change",
    "help.help": "This help",
    "make.title": "Make",
    "make.mode": "Mode",
    "make.image": "Image",
    "make.video": "Video",
    "make.prompt": "Prompt",
    "make.promptHint": "A lighthouse on a cliff at sunset, watercolor",
    "make.aspect": "Aspect",
    "make.count": "Count",
    "make.style": "Style",
    "make.styleNone": "Engine's own",
    "make.seed": "Seed",
    "make.seedHint": "random",
    "make.engine": "Engine",
    "make.seconds": "Seconds",
    "make.videoTitle": "Title",
    "make.music": "Music",
    "make.musicNone": "None",
    "make.generate": "Generate",
    "make.cancel": "Cancel",
    "make.price": "Costs {price} credits",
    "make.history": "Prompt history",
    "make.historyEmpty": "Prompts you use appear here.",
    "make.reuse": "Reuse: {prompt}",
    "make.results": "Results",
    "make.progress": "Progress of {prompt}",
    "stage.queued": "Queued",
    "stage.running": "Rendering {percent}%",
    "stage.completed": "Done",
    "stage.failed": "Failed: {error}",
    "stage.cancelled": "Cancelled",
    "done.title": "Ready",
    "done.body": "{prompt}",
    "done.toast": "Done: {prompt}",
    "error.2001": "Not enough credits: {required} needed, {available} left.",
    "error.2001.register": "Register to get more credits.",
    "error.4001": "This file type is not supported. Supported: {formats}.",
    "error.4002": "This file is too large: at most {max} per file. Compress or trim it and try again.",
    "error.4003": "This prompt is refused by the server's content policy: {reason}",
    "error.429": "Too many requests: try again in {seconds} s.",
    "error.1001": "Your sign-in ran out; signing in again…",
    "error.network": "The server cannot be reached.",
    "gallery.title": "Gallery",
    "gallery.list": "Gallery",
    "gallery.search": "Search",
    "gallery.searchHint": "prompt, seed or file name",
    "gallery.kind": "Kind",
    "gallery.kindAll": "All kinds",
    "gallery.kindImage": "Images",
    "gallery.kindVideo": "Videos",
    "gallery.kindAudio": "Audio",
    "gallery.kindExport": "Exports",
    "gallery.kindUpload": "Uploads",
    "gallery.engine": "Engine",
    "gallery.engineAll": "All engines",
    "gallery.date": "Date",
    "gallery.dateAll": "Any time",
    "gallery.dateToday": "Today",
    "gallery.dateWeek": "Last 7 days",
    "gallery.dateMonth": "Last 30 days",
    "gallery.favorites": "Favorites only",
    "gallery.empty": "Nothing here yet: generate an image or drop a file.",
    "gallery.noMatch": "Nothing matches.",
    "gallery.count": "{shown} of {total}",
    "gallery.favorite": "Favorite",
    "gallery.select": "Select",
    "gallery.remix": "Remix",
    "gallery.download": "Download",
    "gallery.compare": "Compare",
    "gallery.downloadSelected": "Download selected",
    "gallery.clearSelection": "Clear selection",
    "gallery.selected": "{count} selected",
    "gallery.upload": "Upload",
    "gallery.drop": "Drop files here or choose them",
    "gallery.limits": "{formats}; at most {max} each",
    "gallery.uploading": "Uploading {name}… {percent}%",
    "gallery.uploaded": "Uploaded {count} file(s)",
    "gallery.export": "Export {format} {size}",
    "gallery.seed": "seed {seed}",
    "gallery.remixed": "The form now holds this item's settings.",
    "compare.title": "Compare",
    "meta.prompt": "Prompt",
    "meta.engine": "Engine",
    "meta.seed": "Seed",
    "meta.size": "Size",
    "meta.style": "Style",
    "meta.kind": "Kind",
    "meta.date": "Date",
    "meta.duration": "Duration",
    "kind.image": "image",
    "kind.video": "video",
    "kind.audio": "audio",
    "kind.export": "export",
  },
  zh: {
    skip: "跳到创作区",
    studio: "工作室",
    language: "语言",
    cancel: "取消",
    close: "关闭",
    "balance.loading": "积分…",
    "balance.text": "{available} 积分",
    "balance.frozen": "{available} 积分（{frozen} 冻结中）",
    "balance.label": "积分余额",
    "credits.out": "积分已用完：注册以获得更多",
    "auth.signIn": "登录",
    "auth.register": "注册",
    "auth.signOut": "退出",
    "auth.email": "邮箱",
    "auth.password": "密码（至少 8 个字符）",
    "auth.registerTitle": "注册：保留本会话的积分和素材",
    "auth.signInTitle": "登录",
    "auth.signedIn": "已登录：{email}",
    "auth.done": "欢迎，{email}",
    "auth.guest": "访客",
    "help.title": "键盘快捷键",
    "help.generate": "生成",
    "help.cancel": "取消正在进行的生成，关闭对话框",
    "help.next": "画廊中的下一项 / 上一项",
    "help.favorite": "收藏当前项",
    "help.undo": "撤销 / 重做时间线的修改",
    "help.help": "本帮助",
    "make.title": "创作",
    "make.mode": "模式",
    "make.image": "图片",
    "make.video": "视频",
    "make.prompt": "提示词",
    "make.promptHint": "日落时悬崖上的灯塔，水彩",
    "make.aspect": "画幅",
    "make.count": "数量",
    "make.style": "风格",
    "make.styleNone": "引擎默认",
    "make.seed": "种子",
    "make.seedHint": "随机",
    "make.engine": "引擎",
    "make.seconds": "秒数",
    "make.videoTitle": "标题",
    "make.music": "音乐",
    "make.musicNone": "无",
    "make.generate": "生成",
    "make.cancel": "取消",
    "make.price": "需要 {price} 积分",
    "make.history": "提示词历史",
    "make.historyEmpty": "用过的提示词会出现在这里。",
    "make.reuse": "再用：{prompt}",
    "make.results": "结果",
    "make.progress": "{prompt} 的进度",
    "stage.queued": "排队中",
    "stage.running": "渲染中 {percent}%",
    "stage.completed": "完成",
    "stage.failed": "失败：{error}",
    "stage.cancelled": "已取消",
    "done.title": "完成",
    "done.body": "{prompt}",
    "done.toast": "完成：{prompt}",
    "error.2001": "积分不足：需要 {required}，剩余 {available}。",
    "error.2001.register": "注册以获得更多积分。",
    "error.4001": "不支持此文件类型。支持：{formats}。",
    "error.4002": "文件太大：每个文件最多 {max}。请压缩或剪短后再试。",
    "error.4003": "此提示词被服务器的内容策略拒绝：{reason}",
    "error.429": "请求太频繁：请 {seconds} 秒后再试。",
    "error.1001": "登录已过期，正在重新登录…",
    "error.network": "无法连接服务器。",
    "gallery.title": "画廊",
    "gallery.list": "画廊",
    "gallery.search": "搜索",
    "gallery.searchHint": "提示词、种子或文件名",
    "gallery.kind": "类型",
    "gallery.kindAll": "全部类型",
    "gallery.kindImage": "图片",
    "gallery.kindVideo": "视频",
    "gallery.kindAudio": "音频",
    "gallery.kindExport": "导出",
    "gallery.kindUpload": "上传",
    "gallery.engine": "引擎",
    "gallery.engineAll": "全部引擎",
    "gallery.date": "日期",
    "gallery.dateAll": "任何时间",
    "gallery.dateToday": "今天",
    "gallery.dateWeek": "最近 7 天",
    "gallery.dateMonth": "最近 30 天",
    "gallery.favorites": "只看收藏",
    "gallery.empty": "这里还没有内容：生成一张图片或拖入文件。",
    "gallery.noMatch": "没有匹配的内容。",
    "gallery.count": "{shown} / {total}",
    "gallery.favorite": "收藏",
    "gallery.select": "选择",
    "gallery.remix": "再创作",
    "gallery.download": "下载",
    "gallery.compare": "对比",
    "gallery.downloadSelected": "下载所选",
    "gallery.clearSelection": "清除选择",
    "gallery.selected": "已选 {count} 项",
    "gallery.upload": "上传",
    "gallery.drop": "把文件拖到这里，或选择文件",
    "gallery.limits": "{formats}；每个最多 {max}",
    "gallery.uploading": "正在上传 {name}… {percent}%",
    "gallery.uploaded": "已上传 {count} 个文件",
    "gallery.export": "导出 {format} {size}",
    "gallery.seed": "种子 {seed}",
    "gallery.remixed": "表单已填入此项的设置。",
    "compare.title": "对比",
    "meta.prompt": "提示词",
    "meta.engine": "引擎",
    "meta.seed": "种子",
    "meta.size": "尺寸",
    "meta.style": "风格",
    "meta.kind": "类型",
    "meta.date": "日期",
    "meta.duration": "时长",
    "kind.image": "图片",
    "kind.video": "视频",
    "kind.audio": "音频",
    "kind.export": "导出",
  },
};

export const LANGUAGES = ["en", "zh"];
const STORE_KEY = "frameloom.lang";
let current = "en";

async function loadExtra() {
  try {
    const extra = await import("./i18n-chat.js");
    const table = extra.default ?? extra;
    for (const lang of LANGUAGES) Object.assign(STRINGS[lang], table[lang] ?? {});
  } catch {
    // i18n-chat.js is optional: the page works with its own strings alone.
  }
}

/** The language to start in: the one chosen before, else the browser's first of en/zh. */
export function chooseLanguage() {
  const saved = localStorage.getItem(STORE_KEY);
  if (LANGUAGES.includes(saved)) return saved;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return "en";
}

export function t(key, vars = {}) {
  const text = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (mark, name) => (name in vars ? String(vars[name]) : mark));
}

export function language() {
  return current;
}

/** Fill data-i18n, data-i18n-aria, data-i18n-placeholder and data-i18n-title under root. */
export function apply(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-aria]")) el.setAttribute("aria-label", t(el.dataset.i18nAria));
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
}

/** Switch to `lang`, remember it, re-label the page; returns the language now in use. */
export function setLanguage(lang) {
  current = LANGUAGES.includes(lang) ? lang : "en";
  localStorage.setItem(STORE_KEY, current);
  document.documentElement.lang = current === "zh" ? "zh-CN" : "en";
  apply(document);
  return current;
}

/** Load the optional chat strings and start in the chosen language. */
export async function initI18n() {
  await loadExtra();
  current = chooseLanguage();
  document.documentElement.lang = current === "zh" ? "zh-CN" : "en";
  apply(document);
  return current;
}
