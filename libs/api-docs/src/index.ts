export * from './api-errors.decorator';
export * from './api-page-response.decorator';
