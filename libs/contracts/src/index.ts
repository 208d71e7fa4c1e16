export * from './id-param.dto';
export * from './auth.messages';
export * from './catalog.messages';
export * from './upload.messages';
export * from './pagination';
export * from './field-rules';
export * from './order-events';
export * from './wechat-push';
