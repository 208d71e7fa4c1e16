import { RequestMethod, Type } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { INestApplication } from '@nestjs/common';
import type { NestContainer } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger';
import { ROUTE_ACCESS } from '#libs/auth';
import type { RouteAccess } from '#libs/auth';
import { IdempotencyInterceptor } from '#libs/idempotency';
import { SENSITIVE_ROUTE } from '#libs/throttling';
import type { ErrorCode } from '#libs/errors';
import { declaredErrorCodes } from './api-errors.decorator';

/** One HTTP route a Nest app registers, with what its decorators say about it. */
export interface RegisteredRoute {
  /** Lower-case HTTP method, as OpenAPI keys operations. */
  method: string;
  /** The OpenAPI path (`/api/orders/{id}`). */
  path: string;
  controller: Type<unknown>;
  handlerName: string;
  access: RouteAccess;
  takesBody: boolean;
  takesQuery: boolean;
  takesParams: boolean;
  /** The classes of a whole `@Query()` and `@Param()` argument, whose validation rules the parameters follow. */
  queryDto?: Type<unknown>;
  paramsDto?: Type<unknown>;
  idempotent: boolean;
  sensitive: boolean;
  declaredErrors: ErrorCode[];
}

interface RouteArgument {
  index: number;
  data?: unknown;
}

type ArgumentType = { type: RouteParamtypes; index: number; data?: unknown };

const joinPath = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((part) => part.split('/'))
    .filter(Boolean)
    .join('/');
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function pathsOf(target: object): string[] {
  const value = Reflect.getMetadata(PATH_METADATA, target) as string | string[] | undefined;
  if (value === undefined) return [''];
  return Array.isArray(value) ? value : [value];
}

function argumentTypes(controller: Type<unknown>, handlerName: string): ArgumentType[] {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handlerName) as Record<string, RouteArgument> | undefined) ?? {};
  return Object.entries(args).map(([key, argument]) => ({ type: Number(key.split(':')[0]), index: argument.index, data: argument.data }));
}

function wholeArgumentClass(controller: Type<unknown>, handlerName: string, args: ArgumentType[], type: RouteParamtypes): Type<unknown> | undefined {
  const argument = args.find((candidate) => candidate.type === type && candidate.data === undefined);
  if (!argument) return undefined;
  const parameterTypes = (Reflect.getMetadata('design:paramtypes', controller.prototype as object, handlerName) as Type<unknown>[] | undefined) ?? [];
  return parameterTypes[argument.index];
}

function usesInterceptor(controller: Type<unknown>, handler: object, interceptor: Type<unknown>): boolean {
  const listed = [controller, handler].flatMap((holder) => (Reflect.getMetadata(INTERCEPTORS_METADATA, holder) as unknown[] | undefined) ?? []);
  return listed.includes(interceptor);
}

/** The routes of one controller class. */
export function routesOfController(controller: Type<unknown>): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const prototype = controller.prototype as Record<string, unknown>;
  for (const handlerName of Object.getOwnPropertyNames(prototype)) {
    const handler = prototype[handlerName];
    if (handlerName === 'constructor' || typeof handler !== 'function') continue;
    const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
    if (requestMethod === undefined || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
    const args = argumentTypes(controller, handlerName);
    const takes = (type: RouteParamtypes) => args.some((argument) => argument.type === type);
    const access = ((Reflect.getMetadata(ROUTE_ACCESS, handler) ?? Reflect.getMetadata(ROUTE_ACCESS, controller)) as RouteAccess | undefined) ?? {
      mode: 'caller',
    };
    for (const base of pathsOf(controller)) {
      for (const own of pathsOf(handler)) {
        routes.push({
          method: RequestMethod[requestMethod].toLowerCase(),
          path: toOpenApiPath(joinPath(base, own)),
          controller,
          handlerName,
          access,
          takesBody: takes(RouteParamtypes.BODY) || takes(RouteParamtypes.RAW_BODY),
          takesQuery: takes(RouteParamtypes.QUERY),
          takesParams: takes(RouteParamtypes.PARAM),
          queryDto: wholeArgumentClass(controller, handlerName, args, RouteParamtypes.QUERY),
          paramsDto: wholeArgumentClass(controller, handlerName, args, RouteParamtypes.PARAM),
          idempotent:
            usesInterceptor(controller, handler, IdempotencyInterceptor) ||
            args.some((argument) => argument.type === RouteParamtypes.HEADERS && argument.data === 'idempotency-key'),
          sensitive: Reflect.getMetadata(SENSITIVE_ROUTE, handler) === true || Reflect.getMetadata(SENSITIVE_ROUTE, controller) === true,
          declaredErrors: declaredErrorCodes(controller, handler),
        });
      }
    }
  }
  return routes;
}

/** Whether a controller is left out of the public document on purpose (`@ApiExcludeController()`: health and metrics). */
export const isExcludedController = (controller: Type<unknown>) => Reflect.getMetadata(DECORATORS.API_EXCLUDE_CONTROLLER, controller) !== undefined;

/** Every controller class of the app, also in preview mode where nothing is instantiated. */
export function controllersOf(app: INestApplication): Type<unknown>[] {
  const container = (app as unknown as { container: NestContainer }).container;
  const controllers = new Set<Type<unknown>>();
  for (const module of container.getModules().values()) {
    for (const wrapper of module.controllers.values()) controllers.add(wrapper.metatype as Type<unknown>);
  }
  return [...controllers];
}

/** Every HTTP route of the app's documented controllers (bus handlers have none). */
export function registeredRoutes(app: INestApplication): RegisteredRoute[] {
  return controllersOf(app)
    .filter((controller) => !isExcludedController(controller))
    .flatMap(routesOfController);
}
