import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '#libs/config';
import { AppError } from '#libs/errors';
import { OrdersEnv } from '../config/orders-env';
import { authorizationHeader, verifyWechatpaySignature } from '../helpers/wechat-pay-crypto';
import { WechatPaySettings, wechatPaySettings } from './wechat-pay.settings';

/** Signed answers older or newer than this are refused (WeChat Pay's own rule for both directions). */
export const WECHATPAY_MAX_CLOCK_SKEW_SECONDS = 300;

/** WeChat Pay refused a request with one of its codes (ORDERPAID, ORDER_NOT_EXIST, PARAM_ERROR...). */
export class WechatPayRefusal extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** A JSAPI order to open with WeChat Pay. */
export interface PrepayRequest {
  orderNo: string;
  description: string;
  totalFen: number;
  expiresAt: Date;
  openid: string;
}

/** A transaction as WeChat Pay reports it (the fields we act on). */
export interface WechatTransaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_state: string;
  success_time?: string;
  amount: { total: number; payer_total?: number; currency?: string };
}

/** A refund to request. */
export interface RefundRequest {
  orderNo: string;
  refundNo: string;
  refundFen: number;
  totalFen: number;
  reason: string;
}

/** WeChat Pay v3 over HTTPS: requests signed with the merchant key, answers verified against WeChat Pay's key. */
@Injectable()
export class WechatPayClient {
  private readonly logger = new Logger(WechatPayClient.name);
  readonly settings: WechatPaySettings | undefined;

  constructor(@Inject(APP_CONFIG) config: OrdersEnv) {
    this.settings = wechatPaySettings(config);
  }

  /** The settings, or 503 PAYMENT_UNAVAILABLE when payments are not configured. */
  require(): WechatPaySettings {
    if (!this.settings) throw new AppError('PAYMENT_UNAVAILABLE', 'Payments are not available');
    return this.settings;
  }

  /** Opens (or reopens, same body → same id) a JSAPI order and returns its prepay_id. */
  async prepay(request: PrepayRequest): Promise<string> {
    const settings = this.require();
    const body = {
      appid: settings.appId,
      mchid: settings.merchant.mchId,
      description: request.description,
      out_trade_no: request.orderNo,
      time_expire: rfc3339(request.expiresAt),
      notify_url: settings.notifyUrl,
      amount: { total: request.totalFen, currency: 'CNY' },
      payer: { openid: request.openid },
    };
    const answer = await this.call<{ prepay_id: string }>('POST', '/v3/pay/transactions/jsapi', body);
    return answer.prepay_id;
  }

  /** The transaction of an order number, or null when WeChat Pay has none. */
  async findTransaction(orderNo: string): Promise<WechatTransaction | null> {
    const settings = this.require();
    try {
      return await this.call<WechatTransaction>(
        'GET',
        `/v3/pay/transactions/out-trade-no/${encodeURIComponent(orderNo)}?mchid=${encodeURIComponent(settings.merchant.mchId)}`,
      );
    } catch (error) {
      if (error instanceof WechatPayRefusal && error.code === 'ORDER_NOT_EXIST') return null;
      throw error;
    }
  }

  /** Asks for a refund (idempotent per refundNo); resolves with WeChat Pay's refund id and status. */
  async refund(request: RefundRequest): Promise<{ refund_id: string; status: string }> {
    const settings = this.require();
    return this.call('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: request.orderNo,
      out_refund_no: request.refundNo,
      reason: request.reason,
      notify_url: settings.notifyUrl,
      amount: { refund: request.refundFen, total: request.totalFen, currency: 'CNY' },
    });
  }

  private async call<T>(method: 'GET' | 'POST', pathAndQuery: string, payload?: unknown): Promise<T> {
    const settings = this.require();
    const body = payload === undefined ? '' : JSON.stringify(payload);
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${settings.baseUrl}${pathAndQuery}`, {
        method,
        headers: {
          authorization: authorizationHeader(settings.merchant, method, pathAndQuery, body),
          accept: 'application/json',
          'content-type': 'application/json',
          'user-agent': 'miniprogram-backend-orders',
        },
        body: payload === undefined ? undefined : body,
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      this.logger.warn({ msg: 'WeChat Pay unreachable', path: pathAndQuery.split('?')[0], error: (error as Error).message });
      throw new AppError('PAYMENT_UNAVAILABLE', 'WeChat Pay is unavailable, try again shortly');
    }
    const json = parseJson(text);
    if (response.status >= 500 || (response.status < 400 && !this.signedByWechatpay(response.headers, text))) {
      this.logger.error({ msg: 'WeChat Pay answer refused', path: pathAndQuery.split('?')[0], status: response.status, code: json?.code });
      throw new AppError('PAYMENT_UNAVAILABLE', 'WeChat Pay is unavailable, try again shortly');
    }
    if (response.status >= 400) {
      throw new WechatPayRefusal(
        response.status,
        typeof json?.code === 'string' ? json.code : 'UNKNOWN',
        typeof json?.message === 'string' ? json.message : '',
      );
    }
    return json as T;
  }

  private signedByWechatpay(headers: Headers, body: string): boolean {
    const [timestamp, nonce, signature, serial] = ['wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-signature', 'wechatpay-serial'].map((name) =>
      headers.get(name),
    );
    if (!timestamp || !nonce || !signature || !serial) return false;
    if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > WECHATPAY_MAX_CLOCK_SKEW_SECONDS) return false;
    const key = this.settings?.keyring.find(serial);
    return key !== undefined && verifyWechatpaySignature(key, timestamp, nonce, body, signature);
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** WeChat Pay's time format: RFC 3339 with the +08:00 offset. */
function rfc3339(date: Date): string {
  return `${new Date(date.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 19)}+08:00`;
}
