import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { SandboxState } from './sandbox-state';
import { SandboxReply, SandboxRequest, dataFormatError, parseJsonObject, queryParam, wechatError } from './wechat-api';

/** Pages a code may open with `check_path` on (the default): the "published" pages of the sandbox's mini-program. */
export const DEFAULT_PUBLISHED_PAGES: readonly string[] = ['pages/index/index', 'pages/product/index'];

/** WeChat's scene: at most 32 visible characters, from digits, letters and `!#$&'()*+,/:;=?@-._~`. */
const SCENE_CHARACTERS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$/;
/** A page path as WeChat takes it: no leading slash, no query. */
const PAGE_PATH = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;
const ENV_VERSIONS = new Set(['release', 'trial', 'develop']);
const DEFAULT_WIDTH = 430;
/** Modules per side of the drawn code. */
const MODULES = 21;

/** `POST /wxa/getwxacodeunlimit`: a PNG mini-program code for `scene` and `page`, or WeChat's errcode JSON. */
export class WxaCodeHandler {
  private readonly publishedPages: Set<string>;

  constructor(
    publishedPages: readonly string[],
    private readonly state: SandboxState,
  ) {
    this.publishedPages = new Set(publishedPages);
  }

  async getUnlimited(request: SandboxRequest): Promise<SandboxReply> {
    const denied = this.state.tokens.reject(queryParam(request.query, 'access_token'));
    if (denied) return denied;
    const body = parseJsonObject(request.body);
    if (!body) return dataFormatError();
    const { scene, page, check_path: checkPath, env_version: envVersion, width } = body;
    if (typeof scene !== 'string' || scene.length === 0 || scene.length > 32) {
      return wechatError(40169, 'invalid length for scene, or the data is not json string');
    }
    if (!SCENE_CHARACTERS.test(scene)) return wechatError(40129, 'invalid scene');
    if (page !== undefined && (typeof page !== 'string' || !PAGE_PATH.test(page))) return wechatError(41030, 'invalid page');
    if (checkPath !== undefined && typeof checkPath !== 'boolean') return wechatError(40097, 'invalid args');
    if (envVersion !== undefined && !ENV_VERSIONS.has(envVersion as string)) return wechatError(40097, 'invalid args');
    if (width !== undefined && (!Number.isInteger(width) || (width as number) < 280 || (width as number) > 1280)) {
      return wechatError(40097, 'invalid args');
    }
    // Without a page the code opens the home page, which every published mini-program has.
    if (typeof page === 'string' && checkPath !== false && !this.publishedPages.has(page)) return wechatError(41030, 'invalid page');
    const png = await drawCode(`${scene}\n${page ?? ''}`, (width as number | undefined) ?? DEFAULT_WIDTH);
    return { headers: { 'content-type': 'image/png' }, rawBody: png, result: 'ok' };
  }
}

/** A square PNG of dark and light modules derived from `text` (a stand-in for WeChat's round code; same text, same image). */
async function drawCode(text: string, width: number): Promise<Buffer> {
  let bits = Buffer.alloc(0);
  for (let round = 0; bits.length * 8 < MODULES * MODULES; round++) {
    bits = Buffer.concat([bits, createHash('sha256').update(`${round}:${text}`).digest()]);
  }
  const modules = Buffer.alloc(MODULES * MODULES);
  for (let i = 0; i < modules.length; i++) modules[i] = (bits[i >> 3] >> (i & 7)) & 1 ? 0 : 255;
  return sharp(modules, { raw: { width: MODULES, height: MODULES, channels: 1 } })
    .resize(width, width, { kernel: 'nearest' })
    .png()
    .toBuffer();
}
