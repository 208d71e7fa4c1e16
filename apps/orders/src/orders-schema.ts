import { ServiceSchema } from '#libs/database';
import { AfterSale } from './entities/after-sale.entity';
import { AppointmentResource } from './entities/appointment-resource.entity';
import { AppointmentSlot } from './entities/appointment-slot.entity';
import { CartItem } from './entities/cart-item.entity';
import { Cart } from './entities/cart.entity';
import { Appointment } from './entities/appointment.entity';
import { OrderEvent } from './entities/order-event.entity';
import { OrderItem } from './entities/order-item.entity';
import { Order } from './entities/order.entity';
import { PaymentNotification } from './entities/payment-notification.entity';
import { CreateOrdersSchema1763800000000 } from './migrations/1763800000000-create-orders-schema';
import { CreateAfterSales1796180900000 } from './migrations/1796180900000-create-after-sales';
import { CreateCart1796180824546 } from './migrations/1796180824546-create-cart';
import { AddOrderAddressParts1796181736074 } from './migrations/1796181736074-add-order-address-parts';
import { Coupon } from './entities/coupon.entity';
import { UserCoupon } from './entities/user-coupon.entity';
import { CreateCoupons1796182000000 } from './migrations/1796182000000-create-coupons';
import { ShippingUpload } from './entities/shipping-upload.entity';
import { CreateShippingUploads1796183000000 } from './migrations/1796183000000-create-shipping-uploads';
import { IndexOrdersWechatSync1796184000000 } from './migrations/1796184000000-index-orders-wechat-sync';

/** The tables the orders service owns and the migrations that make them. */
export const ORDERS_SCHEMA: ServiceSchema = {
  entities: [
    Order,
    OrderItem,
    OrderEvent,
    PaymentNotification,
    AppointmentResource,
    AppointmentSlot,
    Appointment,
    Cart,
    CartItem,
    AfterSale,
    Coupon,
    UserCoupon,
    ShippingUpload,
  ],
  migrations: [
    CreateOrdersSchema1763800000000,
    CreateCart1796180824546,
    CreateAfterSales1796180900000,
    AddOrderAddressParts1796181736074,
    CreateCoupons1796182000000,
    CreateShippingUploads1796183000000,
    IndexOrdersWechatSync1796184000000,
  ],
};
