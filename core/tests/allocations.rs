//! A validator built once does not allocate per element: counting allocations while
//! validating documents of growing size shows a cost per resource (its FHIRPath) and for the
//! parse tape, not per element.

use pfhir_core::validate::Validator;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: delegates to the system allocator; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A valid collection Bundle of `n` Patients with about 40 elements each.
fn bundle(n: usize) -> Vec<u8> {
    let patient = r#"{"resource":{"resourceType":"Patient","id":"p1","meta":{"profile":["http://example.org/p"]},
        "identifier":[{"system":"urn:oid:2.16.724.4.41","value":"AAAA1234567890"}],"active":true,
        "name":[{"family":"Pérez Fuster","given":["Manolo","José"]}],
        "telecom":[{"system":"phone","value":"123456789","use":"home"},{"system":"email","value":"a@example.org"}],
        "gender":"male","birthDate":"1975-06-16",
        "address":[{"line":["Calle Mayor 1"],"city":"Madrid","postalCode":"28001","country":"ES"}],
        "contact":[{"name":{"family":"Fuster"},"telecom":[{"system":"phone","value":"987654321"}]}]}}"#;
    let entries: Vec<&str> = std::iter::repeat_n(patient, n).collect();
    format!(
        r#"{{"resourceType":"Bundle","type":"collection","entry":[{}]}}"#,
        entries.join(",")
    )
    .into_bytes()
}

fn allocations(v: &Validator, doc: &[u8]) -> usize {
    let before = ALLOCS.load(Ordering::Relaxed);
    let outcome = v.validate(doc);
    let after = ALLOCS.load(Ordering::Relaxed);
    assert!(outcome.issues.is_empty(), "{:?}", outcome.issues);
    after - before
}

#[test]
fn allocations_grow_with_resources_not_elements() {
    let v = Validator::base();
    let small = bundle(10);
    let big = bundle(100);
    let _ = allocations(&v, &small);
    let a_small = allocations(&v, &small);
    let a_big = allocations(&v, &big);
    let elements_per_patient = 40;
    let per_resource = (a_big - a_small) as f64 / 90.0;
    println!("10 patients: {a_small} allocations, 100 patients: {a_big} ({per_resource:.2} per patient of ~{elements_per_patient} elements)");
    assert!(
        per_resource <= 2.0,
        "{per_resource} allocations per resource"
    );
}
