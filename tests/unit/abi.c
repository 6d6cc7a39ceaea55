/*
 * Zircon's ABI, checked at compile time: the size of every struct of the
 * public header set and the offset of its fields, on LP64 (x86-64 and
 * arm64 where they differ), plus the values the headers of this wave add.
 * A wrong layout fails the build of this file, as C (tests/unit/abi) and
 * as C++ (tests/unit/abi_cxx); when it builds, the program only reports
 * TAP.
 */
#include <stddef.h>
#include <stdio.h>

#include <zircon/assert.h>
#include <zircon/availability.h>
#include <zircon/compiler.h>
#include <zircon/errors.h>
#include <zircon/features.h>
#include <zircon/limits.h>
#include <zircon/process.h>
#include <zircon/processargs.h>
#include <zircon/rights.h>
#include <zircon/status.h>
#include <zircon/string_view.h>
#include <zircon/syscalls-next.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/clock.h>
#include <zircon/syscalls/debug.h>
#include <zircon/syscalls/exception.h>
#include <zircon/syscalls/hypervisor.h>
#include <zircon/syscalls/iob.h>
#include <zircon/syscalls/iommu.h>
#include <zircon/syscalls/log.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/pci.h>
#include <zircon/syscalls/policy.h>
#include <zircon/syscalls/port.h>
#include <zircon/syscalls/profile.h>
#include <zircon/syscalls/resource.h>
#include <zircon/syscalls/scheduler.h>
#include <zircon/syscalls/smc.h>
#include <zircon/syscalls/system.h>
#include <zircon/syscalls/types.h>
#include <zircon/time.h>
#include <zircon/tls.h>
#include <zircon/types.h>

#ifdef __cplusplus
#define STATIC_ASSERT(e)	static_assert(e, #e)
#else
#define STATIC_ASSERT(e)	_Static_assert(e, #e)
#endif

#define SIZE(t, n)		STATIC_ASSERT(sizeof(t) == (n))
#define OFF(t, f, n)		STATIC_ASSERT(offsetof(t, f) == (n))

/* <zircon/types.h> */

SIZE(zx_wait_item_t, 12);
OFF(zx_wait_item_t, handle, 0);
OFF(zx_wait_item_t, waitfor, 4);
OFF(zx_wait_item_t, pending, 8);

SIZE(zx_iovec_t, 16);
OFF(zx_iovec_t, buffer, 0);
OFF(zx_iovec_t, capacity, 8);

SIZE(zx_handle_info_t, 16);
OFF(zx_handle_info_t, handle, 0);
OFF(zx_handle_info_t, type, 4);
OFF(zx_handle_info_t, rights, 8);
OFF(zx_handle_info_t, unused, 12);

SIZE(zx_handle_disposition_t, 20);
OFF(zx_handle_disposition_t, operation, 0);
OFF(zx_handle_disposition_t, handle, 4);
OFF(zx_handle_disposition_t, type, 8);
OFF(zx_handle_disposition_t, rights, 12);
OFF(zx_handle_disposition_t, result, 16);

SIZE(zx_channel_call_args_t, 48);
OFF(zx_channel_call_args_t, wr_bytes, 0);
OFF(zx_channel_call_args_t, wr_handles, 8);
OFF(zx_channel_call_args_t, rd_bytes, 16);
OFF(zx_channel_call_args_t, rd_handles, 24);
OFF(zx_channel_call_args_t, wr_num_bytes, 32);
OFF(zx_channel_call_args_t, wr_num_handles, 36);
OFF(zx_channel_call_args_t, rd_num_bytes, 40);
OFF(zx_channel_call_args_t, rd_num_handles, 44);

SIZE(zx_channel_call_etc_args_t, 48);
OFF(zx_channel_call_etc_args_t, wr_handles, 8);
OFF(zx_channel_call_etc_args_t, rd_handles, 24);
OFF(zx_channel_call_etc_args_t, rd_num_handles, 44);

SIZE(zx_channel_iovec_t, 16);
OFF(zx_channel_iovec_t, buffer, 0);
OFF(zx_channel_iovec_t, capacity, 8);
OFF(zx_channel_iovec_t, reserved, 12);

SIZE(zx_cpu_set_t, 64);
SIZE(zx_vmo_lock_state_t, 32);
OFF(zx_vmo_lock_state_t, discarded_size, 24);
SIZE(zx_pager_vmo_stats_t, 4);
SIZE(zx_futex_t, 4);
SIZE(zx_string_view_t, 16);
OFF(zx_string_view_t, c_str, 0);
OFF(zx_string_view_t, length, 8);

SIZE(zx_handle_t, 4);
SIZE(zx_status_t, 4);
SIZE(zx_signals_t, 4);
SIZE(zx_rights_t, 4);
SIZE(zx_koid_t, 8);
SIZE(zx_clock_t, 4);
SIZE(zx_vaddr_t, 8);
SIZE(zx_paddr_t, 8);
SIZE(zx_gpaddr_t, 8);
SIZE(zx_off_t, 8);
SIZE(zx_time_t, 8);
SIZE(zx_duration_t, 8);
SIZE(zx_ticks_t, 8);
SIZE(zx_instant_mono_t, 8);
SIZE(zx_instant_boot_t, 8);
SIZE(zx_instant_mono_ticks_t, 8);
SIZE(zx_instant_boot_ticks_t, 8);
SIZE(zx_duration_mono_t, 8);
SIZE(zx_duration_boot_t, 8);
SIZE(zx_duration_mono_ticks_t, 8);
SIZE(zx_duration_boot_ticks_t, 8);

/* <zircon/syscalls/port.h>: every union member is 32 bytes. */

SIZE(zx_packet_user_t, 32);
SIZE(zx_packet_signal_t, 32);
OFF(zx_packet_signal_t, trigger, 0);
OFF(zx_packet_signal_t, observed, 4);
OFF(zx_packet_signal_t, count, 8);
OFF(zx_packet_signal_t, timestamp, 16);
OFF(zx_packet_signal_t, reserved1, 24);
SIZE(zx_packet_guest_bell_t, 32);
OFF(zx_packet_guest_bell_t, addr, 0);
SIZE(zx_packet_guest_mem_t, 32);
OFF(zx_packet_guest_mem_t, addr, 0);
#if defined(__x86_64__)
OFF(zx_packet_guest_mem_t, cr3, 8);
OFF(zx_packet_guest_mem_t, rip, 16);
OFF(zx_packet_guest_mem_t, instruction_size, 24);
OFF(zx_packet_guest_mem_t, default_operand_size, 25);
#elif defined(__aarch64__)
OFF(zx_packet_guest_mem_t, access_size, 8);
OFF(zx_packet_guest_mem_t, data, 16);
#endif
SIZE(zx_packet_guest_io_t, 32);
OFF(zx_packet_guest_io_t, port, 0);
OFF(zx_packet_guest_io_t, access_size, 2);
OFF(zx_packet_guest_io_t, input, 3);
OFF(zx_packet_guest_io_t, u8, 4);
OFF(zx_packet_guest_io_t, u16, 4);
OFF(zx_packet_guest_io_t, u32, 4);
OFF(zx_packet_guest_io_t, data, 4);
OFF(zx_packet_guest_io_t, reserved0, 8);
SIZE(zx_packet_guest_vcpu_t, 32);
OFF(zx_packet_guest_vcpu_t, type, 0);
OFF(zx_packet_guest_vcpu_t, interrupt, 8);
OFF(zx_packet_guest_vcpu_t, startup, 8);
OFF(zx_packet_guest_vcpu_t, exit, 8);
OFF(zx_packet_guest_vcpu_t, reserved, 24);
SIZE(zx_packet_interrupt_t, 32);
OFF(zx_packet_interrupt_t, timestamp, 0);
OFF(zx_packet_interrupt_t, reserved2, 24);
SIZE(zx_packet_page_request_t, 32);
OFF(zx_packet_page_request_t, command, 0);
OFF(zx_packet_page_request_t, flags, 2);
OFF(zx_packet_page_request_t, reserved0, 4);
OFF(zx_packet_page_request_t, offset, 8);
OFF(zx_packet_page_request_t, length, 16);
OFF(zx_packet_page_request_t, reserved1, 24);
SIZE(zx_packet_processor_power_level_transition_request_t, 32);
OFF(zx_packet_processor_power_level_transition_request_t, options, 4);
OFF(zx_packet_processor_power_level_transition_request_t,
    control_interface, 8);
OFF(zx_packet_processor_power_level_transition_request_t,
    control_argument, 16);
SIZE(zx_port_packet_t, 48);
OFF(zx_port_packet_t, key, 0);
OFF(zx_port_packet_t, type, 8);
OFF(zx_port_packet_t, status, 12);
OFF(zx_port_packet_t, user, 16);
OFF(zx_port_packet_t, signal, 16);
OFF(zx_port_packet_t, guest_bell, 16);
OFF(zx_port_packet_t, guest_mem, 16);
OFF(zx_port_packet_t, guest_io, 16);
OFF(zx_port_packet_t, guest_vcpu, 16);
OFF(zx_port_packet_t, interrupt, 16);
OFF(zx_port_packet_t, page_request, 16);
OFF(zx_port_packet_t, processor_power_level_transition, 16);

/* <zircon/syscalls/object.h> */

SIZE(zx_info_handle_basic_t, 32);
OFF(zx_info_handle_basic_t, rights, 8);
OFF(zx_info_handle_basic_t, type, 12);
OFF(zx_info_handle_basic_t, related_koid, 16);
OFF(zx_info_handle_basic_t, reserved, 24);
SIZE(zx_info_handle_extended_t, 40);
OFF(zx_info_handle_extended_t, type, 0);
OFF(zx_info_handle_extended_t, handle_value, 4);
OFF(zx_info_handle_extended_t, rights, 8);
OFF(zx_info_handle_extended_t, reserved, 12);
OFF(zx_info_handle_extended_t, koid, 16);
OFF(zx_info_handle_extended_t, related_koid, 24);
OFF(zx_info_handle_extended_t, peer_owner_koid, 32);
SIZE(zx_info_handle_count_t, 4);
SIZE(zx_info_process_handle_stats_t, 256);
SIZE(zx_info_process_t, 24);
OFF(zx_info_process_t, return_code, 0);
OFF(zx_info_process_t, start_time, 8);
OFF(zx_info_process_t, flags, 16);
SIZE(zx_info_job_t, 16);
OFF(zx_info_job_t, exited, 8);
OFF(zx_info_job_t, kill_on_oom, 9);
OFF(zx_info_job_t, debugger_attached, 10);
SIZE(zx_info_timer_t, 24);
OFF(zx_info_timer_t, options, 0);
OFF(zx_info_timer_t, clock_id, 4);
OFF(zx_info_timer_t, deadline, 8);
OFF(zx_info_timer_t, slack, 16);
SIZE(zx_info_stream_t, 24);
OFF(zx_info_stream_t, seek, 8);
OFF(zx_info_stream_t, content_size, 16);
SIZE(zx_info_thread_t, 72);
OFF(zx_info_thread_t, wait_exception_channel_type, 4);
OFF(zx_info_thread_t, cpu_affinity_mask, 8);
SIZE(zx_info_thread_stats_t, 16);
OFF(zx_info_thread_stats_t, last_scheduled_cpu, 8);
SIZE(zx_info_task_stats_t, 40);
OFF(zx_info_task_stats_t, mem_private_bytes, 8);
OFF(zx_info_task_stats_t, mem_shared_bytes, 16);
OFF(zx_info_task_stats_t, mem_scaled_shared_bytes, 24);
OFF(zx_info_task_stats_t, mem_fractional_scaled_shared_bytes, 32);
SIZE(zx_info_task_stats_v1_t, 32);
OFF(zx_info_task_stats_v1_t, mem_scaled_shared_bytes, 24);
STATIC_ASSERT(ZX_INFO_TASK_STATS_V1 == 0x0Cu);
STATIC_ASSERT(ZX_INFO_TASK_STATS == 0x1000000Cu);
SIZE(zx_info_vmar_t, 16);
SIZE(zx_info_bti_t, 32);
SIZE(zx_info_socket_t, 48);
OFF(zx_info_socket_t, options, 0);
OFF(zx_info_socket_t, rx_buf_max, 8);
OFF(zx_info_socket_t, rx_buf_size, 16);
OFF(zx_info_socket_t, rx_buf_available, 24);
OFF(zx_info_socket_t, tx_buf_max, 32);
OFF(zx_info_socket_t, tx_buf_size, 40);
SIZE(zx_info_maps_mapping_t, 88);
OFF(zx_info_maps_mapping_t, mmu_flags, 0);
OFF(zx_info_maps_mapping_t, vmo_koid, 8);
OFF(zx_info_maps_mapping_t, vmo_offset, 16);
OFF(zx_info_maps_mapping_t, committed_bytes, 24);
OFF(zx_info_maps_mapping_t, populated_bytes, 32);
OFF(zx_info_maps_mapping_t, committed_private_bytes, 40);
OFF(zx_info_maps_mapping_t, populated_private_bytes, 48);
OFF(zx_info_maps_mapping_t, committed_scaled_bytes, 56);
OFF(zx_info_maps_mapping_t, populated_scaled_bytes, 64);
OFF(zx_info_maps_mapping_t, committed_fractional_scaled_bytes, 72);
OFF(zx_info_maps_mapping_t, populated_fractional_scaled_bytes, 80);
SIZE(zx_info_maps_mapping_v2_t, 40);
SIZE(zx_info_maps_mapping_v1_t, 32);
SIZE(zx_info_maps_t, 152);
OFF(zx_info_maps_t, name, 0);
OFF(zx_info_maps_t, base, 32);
OFF(zx_info_maps_t, size, 40);
OFF(zx_info_maps_t, depth, 48);
OFF(zx_info_maps_t, type, 56);
OFF(zx_info_maps_t, u, 64);
SIZE(zx_info_maps_v2_t, 104);
SIZE(zx_info_maps_v1_t, 96);
SIZE(zx_info_vmo_t, 176);
OFF(zx_info_vmo_t, populated_bytes, 120);
OFF(zx_info_vmo_t, committed_private_bytes, 128);
OFF(zx_info_vmo_t, populated_fractional_scaled_bytes, 168);
SIZE(zx_info_vmo_v3_t, 128);
SIZE(zx_info_vmo_v2_t, 120);
SIZE(zx_info_vmo_v1_t, 104);
SIZE(zx_info_task_runtime_t, 32);
OFF(zx_info_task_runtime_t, lock_contention_time, 24);
SIZE(zx_info_task_runtime_v1_t, 16);
SIZE(zx_info_cpu_stats_t, 120);
OFF(zx_info_cpu_stats_t, idle_time, 8);
OFF(zx_info_cpu_stats_t, generic_ipis, 112);
SIZE(zx_info_kmem_stats_t, 152);
OFF(zx_info_kmem_stats_t, vmo_discardable_unlocked_bytes, 144);
SIZE(zx_info_kmem_stats_v1_t, 72);
SIZE(zx_info_kmem_stats_extended_t, 120);
SIZE(zx_info_kmem_stats_compression_t, 168);
OFF(zx_info_kmem_stats_compression_t, pages_decompressed_within_log_time,
    104);
SIZE(zx_info_resource_t, 56);
SIZE(zx_info_msi_t, 24);
OFF(zx_info_msi_t, target_data, 8);
OFF(zx_info_msi_t, base_irq_id, 12);
OFF(zx_info_msi_t, num_irq, 16);
OFF(zx_info_msi_t, interrupt_count, 20);
SIZE(zx_info_vcpu_t, 4);
SIZE(zx_info_iob_t, 16);
SIZE(zx_iob_region_info_t, 128);
OFF(zx_iob_region_info_t, koid, 120);
SIZE(zx_x86_64_info_guest_stats_t, 120);
SIZE(zx_arm64_info_guest_stats_t, 72);
SIZE(zx_riscv64_info_guest_stats_t, 32);

/* <zircon/syscalls/iob.h> */

SIZE(zx_iob_discipline_t, 72);
OFF(zx_iob_discipline_t, ring_buffer, 8);
OFF(zx_iob_discipline_t, reserved, 8);
SIZE(zx_iob_discipline_mediated_write_ring_buffer_t, 64);
OFF(zx_iob_discipline_mediated_write_ring_buffer_t, tag, 0);
SIZE(zx_iob_region_private_t, 32);
SIZE(zx_iob_region_shared_t, 32);
OFF(zx_iob_region_shared_t, options, 0);
OFF(zx_iob_region_shared_t, shared_region, 4);
OFF(zx_iob_region_shared_t, padding, 8);
SIZE(zx_iob_region_t, 120);
OFF(zx_iob_region_t, discipline, 16);
OFF(zx_iob_region_t, private_region, 88);
OFF(zx_iob_region_t, shared_region, 88);
OFF(zx_iob_region_t, max_extension, 88);

/* <zircon/syscalls/clock.h> */

SIZE(zx_clock_create_args_v1_t, 8);
SIZE(zx_clock_rate_t, 8);
SIZE(zx_clock_transformation_t, 24);
OFF(zx_clock_transformation_t, rate, 16);
SIZE(zx_clock_details_v1_t, 112);
OFF(zx_clock_details_v1_t, backstop_time, 8);
OFF(zx_clock_details_v1_t, reference_ticks_to_synthetic, 16);
OFF(zx_clock_details_v1_t, reference_to_synthetic, 40);
OFF(zx_clock_details_v1_t, error_bound, 64);
OFF(zx_clock_details_v1_t, query_ticks, 72);
OFF(zx_clock_details_v1_t, last_error_bounds_update_ticks, 96);
OFF(zx_clock_details_v1_t, generation_counter, 104);
SIZE(zx_clock_update_args_v1_t, 24);
OFF(zx_clock_update_args_v1_t, value, 8);
OFF(zx_clock_update_args_v1_t, error_bound, 16);
SIZE(zx_clock_update_args_v2_t, 32);
OFF(zx_clock_update_args_v2_t, synthetic_value, 8);
OFF(zx_clock_update_args_v2_t, reference_value, 16);
OFF(zx_clock_update_args_v2_t, error_bound, 24);

/* <zircon/syscalls/exception.h> */

SIZE(zx_x86_64_exc_data_t, 24);
SIZE(zx_arm64_exc_data_t, 16);
OFF(zx_arm64_exc_data_t, far, 8);
SIZE(zx_exception_context_t, 32);
OFF(zx_exception_context_t, arch, 0);
OFF(zx_exception_context_t, synth_code, 24);
OFF(zx_exception_context_t, synth_data, 28);
SIZE(zx_exception_header_t, 8);
SIZE(zx_exception_report_t, 40);
OFF(zx_exception_report_t, context, 8);
SIZE(zx_exception_info_t, 24);
OFF(zx_exception_info_t, type, 16);

/* <zircon/syscalls/debug.h> */

SIZE(zx_x86_64_thread_state_general_regs_t, 160);
OFF(zx_x86_64_thread_state_general_regs_t, rip, 128);
OFF(zx_x86_64_thread_state_general_regs_t, gs_base, 152);
SIZE(zx_x86_64_thread_state_fp_regs_t, 160);
OFF(zx_x86_64_thread_state_fp_regs_t, fip, 8);
OFF(zx_x86_64_thread_state_fp_regs_t, st, 32);
SIZE(zx_x86_64_thread_state_vector_regs_t, 2120);
OFF(zx_x86_64_thread_state_vector_regs_t, opmask, 2048);
OFF(zx_x86_64_thread_state_vector_regs_t, mxcsr, 2112);
SIZE(zx_x86_64_thread_state_debug_regs_t, 48);
SIZE(zx_arm64_thread_state_general_regs_t, 280);
OFF(zx_arm64_thread_state_general_regs_t, lr, 240);
OFF(zx_arm64_thread_state_general_regs_t, tpidr, 272);
SIZE(zx_arm64_thread_state_vector_regs_t, 520);
SIZE(zx_arm64_thread_state_debug_regs_t, 528);
OFF(zx_arm64_thread_state_debug_regs_t, far, 512);
OFF(zx_arm64_thread_state_debug_regs_t, esr, 520);
SIZE(zx_riscv64_thread_state_general_regs_t, 256);
SIZE(zx_riscv64_thread_state_fp_regs_t, 528);
SIZE(zx_riscv64_thread_state_vector_regs_t, 544);

/* policy, profile, scheduler, smc, system, log, pci */

SIZE(zx_policy_basic_v1_t, 8);
SIZE(zx_policy_basic_v2_t, 12);
SIZE(zx_policy_timer_slack_t, 16);
SIZE(zx_sched_deadline_params_t, 24);
SIZE(zx_profile_info_t, 96);
OFF(zx_profile_info_t, priority, 8);
OFF(zx_profile_info_t, deadline_params, 8);
OFF(zx_profile_info_t, cpu_affinity_mask, 32);
SIZE(zx_smc_parameters_t, 64);
OFF(zx_smc_parameters_t, arg1, 8);
OFF(zx_smc_parameters_t, client_id, 56);
OFF(zx_smc_parameters_t, secure_os_id, 58);
SIZE(zx_smc_result_t, 40);
SIZE(zx_system_powerctl_arg_t, 12);
OFF(zx_system_powerctl_arg_t, acpi_transition_s_state, 0);
OFF(zx_system_powerctl_arg_t, x86_power_limit, 0);
SIZE(zx_cpu_performance_info_t, 12);
SIZE(zx_cpu_power_limit_t, 16);
SIZE(zx_log_record_t, 40);
OFF(zx_log_record_t, datalen, 12);
OFF(zx_log_record_t, severity, 14);
OFF(zx_log_record_t, flags, 15);
OFF(zx_log_record_t, timestamp, 16);
OFF(zx_log_record_t, pid, 24);
OFF(zx_log_record_t, tid, 32);
OFF(zx_log_record_t, data, 40);
SIZE(zx_pci_bar_t, 24);
OFF(zx_pci_bar_t, size, 8);
OFF(zx_pci_bar_t, addr, 16);
OFF(zx_pci_bar_t, handle, 16);
SIZE(zx_pcie_device_info_t, 12);
SIZE(zx_proc_args_t, 36);
OFF(zx_proc_args_t, names_num, 32);

/* <zircon/syscalls-next.h> */

SIZE(zx_vmo_dirty_range_t, 24);
#if defined(__x86_64__)
SIZE(zx_restricted_state_t, 160);
OFF(zx_restricted_state_t, ip, 128);
OFF(zx_restricted_state_t, gs_base, 152);
#elif defined(__aarch64__)
SIZE(zx_restricted_state_t, 280);
#endif
SIZE(zx_sampler_config_t, 24);
SIZE(zx_processor_power_level_t, 104);
OFF(zx_processor_power_level_t, diagnostic_name, 40);
OFF(zx_processor_power_level_t, reserved, 72);
SIZE(zx_processor_power_level_transition_t, 24);
OFF(zx_processor_power_level_transition_t, from, 16);
OFF(zx_processor_power_level_transition_t, to, 17);
SIZE(zx_processor_power_state_t, 24);
SIZE(zx_processor_power_domain_t, 72);
OFF(zx_processor_power_domain_t, domain_id, 64);
SIZE(zx_power_domain_info_t, 72);
OFF(zx_power_domain_info_t, idle_power_levels, 68);
SIZE(zx_info_memory_stall_t, 16);

/* Values of this wave's constants (ZIRCON-2.md §2.1-2.11). */

STATIC_ASSERT(ZX_DEFAULT_PORT_RIGHTS == 0x800F);
STATIC_ASSERT(ZX_DEFAULT_TIMER_RIGHTS == 0xD00B);
STATIC_ASSERT(ZX_DEFAULT_SOCKET_RIGHTS == 0x10F0CF);
STATIC_ASSERT(ZX_DEFAULT_FIFO_RIGHTS == 0xF00F);
STATIC_ASSERT(ZX_DEFAULT_INTERRUPT_RIGHTS == 0xD00F);
STATIC_ASSERT(ZX_DEFAULT_PROCESS_RIGHTS == 0x6D3CF);
STATIC_ASSERT(ZX_DEFAULT_THREAD_RIGHTS == 0x4D2CF);
STATIC_ASSERT(ZX_DEFAULT_JOB_RIGHTS == 0x7DFCF);
STATIC_ASSERT(ZX_DEFAULT_CLOCK_RIGHTS == 0xD00F);
STATIC_ASSERT(ZX_DEFAULT_COUNTER_RIGHTS == 0xD00F);
STATIC_ASSERT(ZX_DEFAULT_STREAM_RIGHTS == 0xD0C3);
STATIC_ASSERT(ZX_DEFAULT_LOG_RIGHTS == 0xD00B);
STATIC_ASSERT(ZX_DEFAULT_MSI_RIGHTS == 0xC003);

STATIC_ASSERT(ZX_CLOCK_BOOT == 1);
STATIC_ASSERT(ZX_WAIT_ASYNC_ONCE == 0 && ZX_WAIT_ASYNC_TIMESTAMP == 1);
STATIC_ASSERT(ZX_WAIT_ASYNC_EDGE == 2 && ZX_WAIT_ASYNC_BOOT_TIMESTAMP == 4);
STATIC_ASSERT(ZX_PKT_TYPE_USER == 0 && ZX_PKT_TYPE_SIGNAL_ONE == 1);
STATIC_ASSERT(ZX_PKT_TYPE_GUEST_BELL == 3 && ZX_PKT_TYPE_GUEST_VCPU == 6);
STATIC_ASSERT(ZX_PKT_TYPE_INTERRUPT == 7 && ZX_PKT_TYPE_PAGE_REQUEST == 9);
STATIC_ASSERT(ZX_PKT_TYPE_PROCESSOR_POWER_LEVEL_TRANSITION_REQUEST == 0xA);
STATIC_ASSERT(ZX_PORT_BIND_TO_INTERRUPT == 1);
STATIC_ASSERT(ZX_PKT_GUEST_VCPU_EXIT == 2 && ZX_PAGER_VMO_DIRTY == 2);
STATIC_ASSERT(ZX_SOCKET_READABLE == 0x1 && ZX_SOCKET_WRITABLE == 0x2);
STATIC_ASSERT(ZX_SOCKET_PEER_CLOSED == 0x4);
STATIC_ASSERT(ZX_SOCKET_PEER_WRITE_DISABLED == 0x10);
STATIC_ASSERT(ZX_SOCKET_WRITE_DISABLED == 0x20);
STATIC_ASSERT(ZX_SOCKET_READ_THRESHOLD == 0x400);
STATIC_ASSERT(ZX_SOCKET_WRITE_THRESHOLD == 0x800);
STATIC_ASSERT(ZX_FIFO_READABLE == 1 && ZX_FIFO_PEER_CLOSED == 4);
STATIC_ASSERT(ZX_TIMER_SIGNALED == 0x8 && ZX_TASK_TERMINATED == 0x8);
STATIC_ASSERT(ZX_THREAD_RUNNING == 0x10 && ZX_THREAD_SUSPENDED == 0x20);
STATIC_ASSERT(ZX_JOB_NO_JOBS == 0x10 && ZX_JOB_NO_PROCESSES == 0x20);
STATIC_ASSERT(ZX_CLOCK_STARTED == 0x10 && ZX_CLOCK_UPDATED == 0x20);
STATIC_ASSERT(ZX_COUNTER_POSITIVE == 0x10 && ZX_COUNTER_NON_POSITIVE == 0x20);
STATIC_ASSERT(ZX_VIRTUAL_INTERRUPT_UNTRIGGERED == 0x10);
STATIC_ASSERT(ZX_SOCKET_STREAM == 0 && ZX_SOCKET_DATAGRAM == 1);
STATIC_ASSERT(ZX_SOCKET_PEEK == 8);
STATIC_ASSERT(ZX_SOCKET_DISPOSITION_WRITE_DISABLED == 1);
STATIC_ASSERT(ZX_SOCKET_DISPOSITION_WRITE_ENABLED == 2);
STATIC_ASSERT(ZX_FIFO_MAX_SIZE_BYTES == 4096);
STATIC_ASSERT(ZX_CHANNEL_WRITE_USE_IOVEC == 2);
STATIC_ASSERT(ZX_CHANNEL_MAX_MSG_IOVECS == 8192);
STATIC_ASSERT(ZX_HANDLE_OP_MOVE == 0 && ZX_HANDLE_OP_DUPLICATE == 1);
STATIC_ASSERT(ZX_CPRNG_DRAW_MAX_LEN == 256);
STATIC_ASSERT(ZX_CPRNG_ADD_ENTROPY_MAX_LEN == 256);
STATIC_ASSERT(ZX_INTERRUPT_VIRTUAL == 0x10);
STATIC_ASSERT(ZX_INTERRUPT_TIMESTAMP_MONO == 0x40);
STATIC_ASSERT(ZX_INTERRUPT_WAKE_VECTOR == 0x20);
STATIC_ASSERT(ZX_INTERRUPT_MODE_LEVEL_HIGH == 8);
STATIC_ASSERT(ZX_INTERRUPT_BIND == 0 && ZX_INTERRUPT_UNBIND == 1);
STATIC_ASSERT(ZX_TIMER_SLACK_CENTER == 0 && ZX_TIMER_SLACK_LATE == 2);
STATIC_ASSERT(ZX_CACHE_FLUSH_INSN == 1 && ZX_CACHE_FLUSH_INVALIDATE == 4);
STATIC_ASSERT(ZX_JOB_CRITICAL_PROCESS_RETCODE_NONZERO == 1);
STATIC_ASSERT(ZX_SYSTEM_EVENT_OUT_OF_MEMORY == 1);
STATIC_ASSERT(ZX_SYSTEM_EVENT_IMMINENT_OUT_OF_MEMORY == 5);
STATIC_ASSERT(ZX_PROCESS_SHARED == 1);
STATIC_ASSERT(ZX_STREAM_MODE_APPEND == 4 && ZX_STREAM_SEEK_ORIGIN_END == 2);
STATIC_ASSERT(ZX_VM_FLAG_REQUIRE_NON_RESIZABLE == 0x800);
STATIC_ASSERT(ZX_PAGER_OP_WRITEBACK_END == 4);
STATIC_ASSERT(ZX_OBJ_TYPE_PORT == 6 && ZX_OBJ_TYPE_SOCKET == 14);
STATIC_ASSERT(ZX_OBJ_TYPE_FIFO == 19 && ZX_OBJ_TYPE_TIMER == 22);
STATIC_ASSERT(ZX_OBJ_TYPE_INTERRUPT == 9 && ZX_OBJ_TYPE_COUNTER == 34);
STATIC_ASSERT(ZX_OBJ_TYPE_PROCESS == 1 && ZX_OBJ_TYPE_THREAD == 2);
STATIC_ASSERT(ZX_OBJ_TYPE_JOB == 17 && ZX_OBJ_TYPE_CLOCK == 30);

STATIC_ASSERT(ZX_PAGE_SHIFT == 12 && ZX_PAGE_SIZE == 4096);
STATIC_ASSERT(ZX_PAGE_MASK == 4095 && ZX_MIN_PAGE_SHIFT == 12);

STATIC_ASSERT(ZX_INFO_PROCESS == 0x10000003);
STATIC_ASSERT(ZX_INFO_THREAD == 10 && ZX_INFO_SOCKET == 22);
STATIC_ASSERT(ZX_INFO_TIMER == 25 && ZX_INFO_HANDLE_TABLE == 27);
STATIC_ASSERT(ZX_INFO_PROCESS_HANDLE_STATS == 21);
STATIC_ASSERT(ZX_INFO_TASK_STATS == 0x1000000C);
STATIC_ASSERT(ZX_INFO_TASK_STATS_V1 == 0x0C);
STATIC_ASSERT(ZX_INFO_TASK_RUNTIME == 0x1000001E);
STATIC_ASSERT(ZX_INFO_KMEM_STATS == 0x10000011);
STATIC_ASSERT(ZX_INFO_THREAD_EXCEPTION_REPORT == 0x1000000B);
STATIC_ASSERT(ZX_INFO_POWER_DOMAINS == 37 && ZX_INFO_MEMORY_STALL == 38);
STATIC_ASSERT(ZX_PROP_SOCKET_RX_THRESHOLD == 12);
STATIC_ASSERT(ZX_PROP_SOCKET_TX_THRESHOLD == 13);
STATIC_ASSERT(ZX_PROP_EXCEPTION_STRATEGY == 18);
STATIC_ASSERT(ZX_PROP_STREAM_MODE_APPEND == 19);
STATIC_ASSERT(ZX_PROP_PROCESS_DEBUG_ADDR == 5);
STATIC_ASSERT(ZX_PROP_PROCESS_VDSO_BASE_ADDRESS == 6);
STATIC_ASSERT(ZX_TASK_RETCODE_SYSCALL_KILL == -1024);
STATIC_ASSERT(ZX_TASK_RETCODE_CRITICAL_PROCESS_KILL == -1029);
STATIC_ASSERT(ZX_THREAD_STATE_BLOCKED_PAGER == 0x903);
STATIC_ASSERT(ZX_THREAD_STATE_BASIC(0x503) == ZX_THREAD_STATE_BLOCKED);
STATIC_ASSERT(ZX_INFO_INVALID_CPU == 0xFFFFFFFFu);

STATIC_ASSERT(ZX_IOB_REGION_TYPE_SHARED == 1);
STATIC_ASSERT(ZX_IOB_DISCIPLINE_TYPE_MEDIATED_WRITE_RING_BUFFER == 2);

STATIC_ASSERT(ZX_CLOCK_ARGS_VERSION(1) == (UINT64_C(1) << 58));
STATIC_ASSERT(ZX_CLOCK_OPT_BOOT == 8 && ZX_CLOCK_OPT_AUTO_START == 4);
STATIC_ASSERT(ZX_CLOCK_UPDATE_OPTION_REFERENCE_VALUE_VALID == 8);
STATIC_ASSERT(ZX_CLOCK_UPDATE_MAX_RATE_ADJUST == 1000);

STATIC_ASSERT(ZX_JOB_POL_BASIC_V2 == 0x01000000 && ZX_JOB_POL_TIMER_SLACK == 1);
STATIC_ASSERT(ZX_POL_NEW_TIMER == 11 && ZX_POL_AMBIENT_MARK_VMO_EXEC == 14);
STATIC_ASSERT(ZX_POL_ACTION_KILL == 4);
STATIC_ASSERT(ZX_LOG_TRACE == 0x10 && ZX_LOG_FATAL == 0x60);
STATIC_ASSERT(ZX_LOG_FLAG_READABLE == 0x40000000);
STATIC_ASSERT(ZX_SYSTEM_POWERCTL_ENABLE_ALL_CPUS == 1);
STATIC_ASSERT(ZX_SYSTEM_POWERCTL_SHUTDOWN == 8);
STATIC_ASSERT(ZX_FEATURE_KIND_CPU == 0 && ZX_FEATURE_KIND_VM == 4);
STATIC_ASSERT(ZX_EXCP_THREAD_STARTING == 0x8008);
STATIC_ASSERT(ZX_EXCP_IS_ARCH(ZX_EXCP_FATAL_PAGE_FAULT));

STATIC_ASSERT(ZX_PROCARGS_PROTOCOL == 0x4150585d);
STATIC_ASSERT(ZX_PROCARGS_VERSION == 0x0001000);
STATIC_ASSERT(PA_HND(PA_FD, 3) == 0x30030);
STATIC_ASSERT(PA_HND_TYPE(0x30030) == PA_FD && PA_HND_ARG(0x30030) == 3);
STATIC_ASSERT(PA_VMAR_ROOT == 4 && PA_LIFECYCLE == 0x3A);
STATIC_ASSERT(PA_CLOCK_UTC == 0x40 && PA_USER2 == 0xF2);

#if defined(__x86_64__)
STATIC_ASSERT(ZX_TLS_STACK_GUARD_OFFSET == 0x10);
STATIC_ASSERT(ZX_TLS_UNSAFE_SP_OFFSET == 0x18);
#endif

/* The time helpers saturate (and are constant expressions in C++). */
#ifdef __cplusplus
STATIC_ASSERT(zx_time_add_duration(ZX_TIME_INFINITE, 1) == ZX_TIME_INFINITE);
STATIC_ASSERT(zx_time_sub_duration(ZX_TIME_INFINITE_PAST, 1) ==
    ZX_TIME_INFINITE_PAST);
STATIC_ASSERT(zx_duration_mul_int64(INT64_MAX / 2, 3) == ZX_TIME_INFINITE);
STATIC_ASSERT(zx_duration_mul_int64(INT64_MAX / 2, -3) ==
    ZX_TIME_INFINITE_PAST);
STATIC_ASSERT(zx_duration_from_sec(2) == ZX_SEC(2));
#endif

int
main(void)
{
	printf("1..1\nok 1 - ABI: every layout and value checked at build "
	    "time (%s)\n",
#ifdef __cplusplus
	    "C++"
#else
	    "C"
#endif
	    );
	return 0;
}
