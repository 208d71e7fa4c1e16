/** The encrypted resource of a WeChat Pay notification: the transaction or refund, AEAD_AES_256_GCM with the APIv3 key. */
export class WechatPayEncryptedResourceDto {
  /** @example AEAD_AES_256_GCM */
  algorithm: string;
  /** Base64 of the encrypted JSON followed by its 16-byte tag. */
  ciphertext: string;
  nonce: string;
  /** `transaction` or `refund`. */
  associated_data?: string;
  /** `transaction` or `refund`. */
  original_type: string;
}

/**
 * The body WeChat Pay v3 posts to the notify URL. Only WeChat Pay calls this route: the body is believed only once the
 * `Wechatpay-Signature` over its exact bytes verifies and the resource decrypts.
 */
export class WechatPayNotificationDto {
  /** WeChat Pay's id of the notification (a retry of the same notification has the same id). */
  id: string;
  /** @example 2026-12-03T10:15:00+08:00 */
  create_time: string;
  /** `TRANSACTION.SUCCESS`, `REFUND.SUCCESS`, `REFUND.ABNORMAL` or `REFUND.CLOSED`; other types are acknowledged and ignored. */
  event_type: string;
  /** @example encrypt-resource */
  resource_type: string;
  resource: WechatPayEncryptedResourceDto;
  /** @example 支付成功 */
  summary: string;
}
