/**
 * The API's request and reply types under the names the SDK's methods use, all taken from `api-types.ts`
 * (generated from the OpenAPI document): when the API changes, `npm run sdk:types` changes them.
 */
import type { components } from './api-types';
import type { BodyOf, QueryOf, ReplyOf } from './operations';

type Schemas = components['schemas'];

/** One page of a list: `nextCursor` goes back as `cursor` for the next page; null on the last. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** `?limit=&cursor=` of every list. */
export interface PageQuery {
  limit?: number;
  cursor?: string;
}

export type UserProfile = Schemas['UserProfileDto'];
export type TokenPair = Schemas['TokenPairDto'];
export type LoginResult = Schemas['LoginResultDto'];
/** `PATCH /api/auth/me`: the fields to change (`avatarUploadId: null` removes the avatar). */
export type UpdateProfileBody = BodyOf<'/api/auth/me', 'patch'>;

export type Order = Schemas['OrderDto'];
export type OrderItem = Schemas['OrderItemDto'];
export type OrderStatus = Order['status'];
export type CreateOrderBody = BodyOf<'/api/orders', 'post'>;
export type ListOrdersQuery = QueryOf<'/api/orders', 'get'>;
/** The parameters of `wx.requestPayment`, signed by the server. */
export type PaymentParams = Schemas['RequestPaymentParamsDto'];

export type AppointmentResource = Schemas['ResourceDto'];
export type Slot = Schemas['SlotDto'];
export type SlotsQuery = QueryOf<'/api/appointments/slots', 'get'>;
export type Appointment = Schemas['AppointmentDto'];
export type CreateAppointmentBody = BodyOf<'/api/appointments', 'post'>;
export type ListAppointmentsQuery = QueryOf<'/api/appointments', 'get'>;

export type Upload = Schemas['UploadDto'];

export type CatalogHome = Schemas['HomeView'];
export type Category = Schemas['CategoryNode'];
export type ProductSummary = Schemas['ProductSummaryView'];
export type Product = Schemas['ProductDetailView'];
export type ProductSku = Schemas['ProductSkuView'];
export type ArticleSummary = Schemas['ArticleSummaryView'];
export type Article = Schemas['ArticleDetailView'];
export type ProductsQuery = QueryOf<'/api/catalog/products', 'get'>;
export type Categories = ReplyOf<'/api/catalog/categories', 'get'>;

/** The server's stable error codes, as the OpenAPI document lists them. */
export type ServerErrorCode = Schemas['ErrorEnvelope']['code'];
