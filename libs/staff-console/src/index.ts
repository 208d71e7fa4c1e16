export * from './serve-staff-console';
