import { ApiClient, ClientOptions } from './client';
import type {
  Appointment,
  AppointmentResource,
  Article,
  ArticleSummary,
  CatalogHome,
  Categories,
  CreateAppointmentBody,
  CreateOrderBody,
  ListAppointmentsQuery,
  ListOrdersQuery,
  Order,
  Page,
  PageQuery,
  Product,
  ProductSummary,
  ProductsQuery,
  Slot,
  SlotsQuery,
  UpdateProfileBody,
  UserProfile,
} from './contract';
import { PaymentOptions, PaymentResult, SubscribeResult, requestPayment, requestSubscribeMessage } from './wechat';

/** Options of a write that takes an Idempotency-Key. */
export interface KeyedWriteOptions {
  /** One key per user action; default a new one per call. Pass the same key to repeat the same action (it is answered with its first result). */
  idempotencyKey?: string;
}

const id = (value: string) => encodeURIComponent(value);

/** The API as a mini-program uses it. Make one per app (`createClient`) and share it between pages. */
export class MiniProgramClient extends ApiClient {
  /** /api/auth: the user's profile (kept as `user` too). */
  readonly auth = {
    me: (): Promise<UserProfile> => this.call<UserProfile>('/api/auth/me').then(this.keepUser),
    /**
     * PATCH /api/auth/me (sent as POST + X-HTTP-Method-Override): changes only the fields given; answers the profile.
     * A nickname WeChat's content check refuses is CONTENT_REJECTED; `avatarUploadId` is an image of `uploadFile()`, or null.
     */
    updateProfile: (changes: UpdateProfileBody): Promise<UserProfile> =>
      this.call<UserProfile>('/api/auth/me', { method: 'PATCH', body: changes }).then(this.keepUser),
  };

  private readonly keepUser = (user: UserProfile): UserProfile => {
    this.session.saveUser(user);
    return user;
  };

  /** /api/catalog: what anyone can read. */
  readonly catalog = {
    home: (): Promise<CatalogHome> => this.call('/api/catalog/home', { auth: false }),
    categories: (): Promise<Categories> => this.call('/api/catalog/categories', { auth: false }),
    products: (query: ProductsQuery = {}): Promise<Page<ProductSummary>> => this.call('/api/catalog/products', { query, auth: false }),
    product: (productId: string): Promise<Product> => this.call(`/api/catalog/products/${id(productId)}`, { auth: false }),
    articles: (query: PageQuery = {}): Promise<Page<ArticleSummary>> => this.call('/api/catalog/articles', { query, auth: false }),
    article: (articleId: string): Promise<Article> => this.call(`/api/catalog/articles/${id(articleId)}`, { auth: false }),
  };

  /** /api/orders: the user's orders. */
  readonly orders = {
    /** Places an order (status `pending_payment`); retried with its key on network failure, so it is placed once. */
    create: (body: CreateOrderBody, options: KeyedWriteOptions = {}): Promise<Order> =>
      this.call('/api/orders', { method: 'POST', body, idempotencyKey: options.idempotencyKey ?? this.newIdempotencyKey() }),
    list: (query: ListOrdersQuery = {}): Promise<Page<Order>> => this.call('/api/orders', { query }),
    get: (orderId: string): Promise<Order> => this.call(`/api/orders/${id(orderId)}`),
    cancel: (orderId: string): Promise<Order> => this.call(`/api/orders/${id(orderId)}/cancel`, { method: 'POST' }),
  };

  /** /api/appointments: bookable slots and the user's bookings. */
  readonly appointments = {
    resources: (query: PageQuery = {}): Promise<Page<AppointmentResource>> => this.call('/api/appointments/resources', { query, auth: false }),
    slots: (query: SlotsQuery): Promise<Page<Slot>> => this.call('/api/appointments/slots', { query, auth: false }),
    /** Books a slot; retried with its key on network failure, so it is booked once. */
    book: (body: CreateAppointmentBody, options: KeyedWriteOptions = {}): Promise<Appointment> =>
      this.call('/api/appointments', { method: 'POST', body, idempotencyKey: options.idempotencyKey ?? this.newIdempotencyKey() }),
    list: (query: ListAppointmentsQuery = {}): Promise<Page<Appointment>> => this.call('/api/appointments', { query }),
    get: (appointmentId: string): Promise<Appointment> => this.call(`/api/appointments/${id(appointmentId)}`),
    cancel: (appointmentId: string): Promise<Appointment> => this.call(`/api/appointments/${id(appointmentId)}/cancel`, { method: 'POST' }),
  };

  /** Pays an order: our pay route, then `wx.requestPayment`; resolves once the server shows it paid (or after `confirmTimeoutMs`). */
  requestPayment(orderId: string, options: PaymentOptions = {}): Promise<PaymentResult> {
    return requestPayment(this, orderId, options);
  }

  /** Asks the user for subscribe-message permission and reports the choice to the server (`reported: false` while the server has no such route). */
  requestSubscribeMessage(templateIds: string[]): Promise<SubscribeResult> {
    return requestSubscribeMessage(this, templateIds);
  }
}

/** A client for the API at `options.baseUrl`, over the mini-program's `wx`. */
export function createClient(options: ClientOptions): MiniProgramClient {
  return new MiniProgramClient(options);
}
