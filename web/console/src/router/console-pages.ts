import type { Component } from 'vue';
import type { RouteRecordRaw } from 'vue-router';
import { Box, Calendar, Discount, Document, Files, Odometer, Picture, Service, ShoppingCart, User } from '@element-plus/icons-vue';

/** One page of the side menu: its route name (also its i18n key under `menu.`), path, icon and group. */
export interface ConsolePage {
  name: string;
  path: string;
  icon: Component;
  group: 'home' | 'catalog' | 'sales' | 'admin';
  /** Pages an admin only may open (the staff accounts). */
  adminOnly?: boolean;
  /** The page itself; a page without one is not built yet and stays out of the router and the menu. */
  component?: () => Promise<Component>;
}

/**
 * Every page of the console. Orders, after-sales, appointments, coupons and staff accounts are named here so their
 * routes and menu entries keep these names once their pages exist.
 */
export const CONSOLE_PAGES: ConsolePage[] = [
  { name: 'dashboard', path: 'dashboard', icon: Odometer, group: 'home', component: () => import('../pages/dashboard/DashboardPage.vue') },
  { name: 'products', path: 'products', icon: Box, group: 'catalog', component: () => import('../pages/products/ProductListPage.vue') },
  { name: 'categories', path: 'categories', icon: Files, group: 'catalog', component: () => import('../pages/categories/CategoryPage.vue') },
  { name: 'articles', path: 'articles', icon: Document, group: 'catalog', component: () => import('../pages/articles/ArticlePage.vue') },
  { name: 'banners', path: 'banners', icon: Picture, group: 'catalog', component: () => import('../pages/banners/BannerPage.vue') },
  { name: 'orders', path: 'orders', icon: ShoppingCart, group: 'sales', component: () => import('../pages/orders/OrderListPage.vue') },
  { name: 'afterSales', path: 'after-sales', icon: Service, group: 'sales', component: () => import('../pages/after-sales/AfterSalePage.vue') },
  { name: 'appointments', path: 'appointments', icon: Calendar, group: 'sales', component: () => import('../pages/appointments/AppointmentPage.vue') },
  { name: 'coupons', path: 'coupons', icon: Discount, group: 'sales', component: () => import('../pages/coupons/CouponPage.vue') },
  { name: 'staff', path: 'staff', icon: User, group: 'admin', adminOnly: true, component: () => import('../pages/staff/StaffPage.vue') },
];

/** Pages that are not in the menu: product editing (new and existing), an order's detail. */
export const EXTRA_ROUTES: RouteRecordRaw[] = [
  { name: 'productCreate', path: 'products/new', component: () => import('../pages/products/ProductEditPage.vue'), meta: { menu: 'products' } },
  { name: 'orderDetail', path: 'orders/:id', component: () => import('../pages/orders/OrderDetailPage.vue'), meta: { menu: 'orders' }, props: true },
  { name: 'productEdit', path: 'products/:id', component: () => import('../pages/products/ProductEditPage.vue'), meta: { menu: 'products' }, props: true },
];
