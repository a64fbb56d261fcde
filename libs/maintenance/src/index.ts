export * from './errors/maintenance-problems';
export * from './dto/maintenance-window.dto';
export * from './maintenance-selector';
export * from './maintenance-windows.service';
export * from './maintenance.module';
