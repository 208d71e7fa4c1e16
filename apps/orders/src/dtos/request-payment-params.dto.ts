/** What the mini-program passes to `wx.requestPayment`, signed by the merchant key (JSAPI payment, signType RSA). */
export class RequestPaymentParamsDto {
  /** Seconds since the epoch, as a string. */
  timeStamp: string;
  nonceStr: string;
  /** `prepay_id=<the prepay id WeChat Pay gave>`. */
  package: string;
  signType: 'RSA';
  /** Base64 RSA-SHA256 signature of `appId\ntimeStamp\nnonceStr\npackage\n`. */
  paySign: string;
}
