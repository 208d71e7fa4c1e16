import { createRouter, createWebHistory } from 'vue-router';
import type { RouteRecordRaw } from 'vue-router';
import { currentStaffSession } from '../api/auth-api';
import { whenSessionLost } from '../api/http-client';
import { CONSOLE_PAGES, EXTRA_ROUTES } from './console-pages';

declare module 'vue-router' {
  interface RouteMeta {
    /** The route opens without a staff session (the login page). */
    public?: boolean;
    adminOnly?: boolean;
    /** The menu entry to highlight. */
    menu?: string;
  }
}

const pageRoutes: RouteRecordRaw[] = CONSOLE_PAGES.flatMap(({ name, path, component, adminOnly }) =>
  component ? [{ name, path, component, meta: { adminOnly, menu: name } }] : [],
);

export const router = createRouter({
  // History mode under /admin/: the auth service answers index.html for every client route.
  history: createWebHistory('/admin/'),
  routes: [
    { name: 'login', path: '/login', component: () => import('../pages/LoginPage.vue'), meta: { public: true } },
    {
      path: '/',
      component: () => import('../layouts/ConsoleLayout.vue'),
      redirect: { name: 'dashboard' },
      children: [...pageRoutes, ...EXTRA_ROUTES],
    },
    { name: 'notFound', path: '/:rest(.*)*', component: () => import('../pages/NotFoundPage.vue'), meta: { public: true } },
  ],
});

// Only a staff session opens the console; a WeChat user's token never counts as one.
router.beforeEach((to) => {
  if (to.meta.public) return true;
  const session = currentStaffSession();
  if (!session) return { name: 'login', query: { redirect: to.fullPath } };
  if (to.matched.some((record) => record.meta.adminOnly) && session.staff.role !== 'admin') return { name: 'dashboard' };
  return true;
});

whenSessionLost(() => {
  const here = router.currentRoute.value;
  if (here.name !== 'login') void router.replace({ name: 'login', query: { redirect: here.fullPath, expired: '1' } });
});
