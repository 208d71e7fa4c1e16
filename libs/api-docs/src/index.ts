export * from './api-errors.decorator';
export * from './api-page-response.decorator';
export * from './route-inventory';
export * from './error-responses';
export * from './service-document';
export * from './api-document';
export * from './api-docs.routes';
